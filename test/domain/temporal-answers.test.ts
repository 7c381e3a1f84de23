import { Client, ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { isTransientRefusal, postgresProblem, temporalProblem } from '../../api/dependency-errors';
import { TemporalGateway } from '../../api/temporal-gateway';
import type { PersonCommand } from '../../domain';

// How the API answers what Temporal says while a worker dies or the server restarts: never a 500,
// and a 503 says whether the decision may have been applied.
const grpc = (code: number, message: string) =>
  new ServiceError('Temporal refused the call', { cause: Object.assign(new Error(`${code} ${message}`), { code, details: message }) });

test.each([
  ['a workflow task that failed before the update came', 'Unable to perform workflow execution update due to Workflow Task in failed state.'],
  ['a workflow task that failed after the workflow saw the update', 'Unable to perform workflow execution update due to unexpected workflow task failure.'],
])('%s: sent again, and if the deadline passes a 503 that nothing was applied', (_name, message) => {
  const err = grpc(9, message);
  expect(isTransientRefusal(err)).toBe(true);
  const p = temporalProblem(err)!;
  expect([p.status, p.extra.applied, p.headers['Retry-After']]).toEqual([503, false, '1']);
});

test.each([
  ['no answer before the deadline', new WorkflowUpdateRPCTimeoutOrCancelledError('timed out', { cause: new Error('deadline') })],
  ['a connection lost mid-call', grpc(14, 'connection reset')],
  ['a deadline passed mid-call', grpc(4, 'deadline exceeded')],
  [
    'an update its run ended before answering',
    new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ message: 'Workflow Update failed because the Workflow completed before the Update completed.' })),
  ],
  // Its route tells a closed base's stage when it can read it; here it could not: not a 500.
  ['an update cancelled as its run closed', new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ type: 'CanceledUpdate' }))],
])('%s: 503 that the decision may have been applied', (_name, err) => {
  const p = temporalProblem(err)!;
  expect([p.status, p.extra.applied]).toEqual([503, 'unknown']);
  expect(p.detail).toMatch(/same Idempotency-Key/);
  expect(isTransientRefusal(err)).toBe(false);
});

test.each([
  ['as the server says it', grpc(5, 'workflow execution already completed')],
  ['as the client turns it for an update', new WorkflowNotFoundError('workflow execution already completed', 'base-x', undefined)],
])('a base whose run had ended before the call reached it, %s: 503, nothing applied, and no stage made up', (_name, err) => {
  const p = temporalProblem(err)!;
  expect([p.status, p.extra.applied, 'stage' in p.extra]).toEqual([503, false, false]);
});

test('a base Temporal never heard of: 404', () => {
  expect(temporalProblem(new WorkflowNotFoundError('workflow not found for ID: base-x', 'base-x', undefined))!.status).toBe(404);
});

test('a busy server: 503, nothing applied', () => {
  expect([temporalProblem(grpc(8, 'namespace rate limit exceeded'))!.status, temporalProblem(grpc(8, 'x'))!.extra.applied]).toEqual([503, false]);
});

test('a namespace where no worker has yet registered the search attributes a base starts with: 503, nothing applied', () => {
  const p = temporalProblem(grpc(3, 'Namespace fresh has no mapping defined for search attribute BaseStage'))!;
  expect([p.status, p.extra.applied]).toEqual([503, false]);
});

test.each([
  ['a failed workflow task', grpc(9, 'Unable to perform workflow execution update due to Workflow Task in failed state.'), 'warn', 'the workflow task failed; the update is sent again'],
  ['a busy workflow', new WorkflowUpdateFailedError('not taken up', ApplicationFailure.create({ type: 'UnprocessedUpdate' })), 'info', 'the workflow was busy; the update is sent again'],
  ['a run closing to continue as new', new WorkflowUpdateFailedError('turned away', ApplicationFailure.create({ type: 'RunClosing', nonRetryable: true })), 'info', 'the workflow was busy; the update is sent again'],
])('%s: the decision is sent again and answered, and the log names the base', async (_name, refusal, level, msg) => {
  const logged: unknown[][] = [];
  let sends = 0;
  const handle = {
    workflowId: 'base-x',
    executeUpdate: async () => {
      if (sends++ === 0) throw refusal;
      return { answered: true };
    },
  };
  const client = { connection: { withDeadline: (_end: number, fn: () => Promise<unknown>) => fn() }, workflow: { getHandle: () => handle } } as unknown as Client;
  const gateway = new TemporalGateway(client, { taskQueue: 'q', namespace: 'default', timeScale: 1, timeoutMs: 5000, log: (...entry) => logged.push(entry) });
  await expect(gateway.act('x', { commandId: 'act-1' } as PersonCommand)).resolves.toEqual({ answered: true });
  expect(sends).toBe(2);
  expect(logged).toEqual([[level, msg, { workflowId: 'base-x', pauseMs: 50 }]]);
});

test.each([
  ['read-only after a failover', '25006'],
  ['a statement cancelled by its timeout', '57014'],
  ['a serialization failure', '40001'],
  ['a deadlock', '40P01'],
])('PostgreSQL %s is a 503 with Retry-After, never a 500', (_name, code) => {
  const p = postgresProblem(Object.assign(new Error('refused'), { code }))!;
  expect([p.status, p.headers['Retry-After']]).toEqual([503, expect.stringMatching(/^[1-9][0-9]*$/)]);
});

test('a constraint PostgreSQL holds to is not taken for it being down', () => {
  expect(postgresProblem(Object.assign(new Error('violates check constraint'), { code: '23514' }))).toBeUndefined();
});

test('a run closing turned the decision away: if the deadline passes, a 503 that nothing was applied', () => {
  const p = temporalProblem(new WorkflowUpdateFailedError('turned away', ApplicationFailure.create({ type: 'RunClosing', nonRetryable: true })))!;
  expect([p.status, p.extra.applied]).toEqual([503, false]);
});
