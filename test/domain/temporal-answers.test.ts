import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { isTransientRefusal, temporalProblem } from '../../api/dependency-errors';

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
])('%s: 503 that the decision may have been applied', (_name, err) => {
  const p = temporalProblem(err)!;
  expect([p.status, p.extra.applied]).toEqual([503, 'unknown']);
  expect(p.detail).toMatch(/same Idempotency-Key/);
  expect(isTransientRefusal(err)).toBe(false);
});

test('a busy server: 503, nothing applied', () => {
  expect([temporalProblem(grpc(8, 'namespace rate limit exceeded'))!.status, temporalProblem(grpc(8, 'x'))!.extra.applied]).toEqual([503, false]);
});

test('a namespace where no worker has yet registered the search attributes a base starts with: 503, nothing applied', () => {
  const p = temporalProblem(grpc(3, 'Namespace fresh has no mapping defined for search attribute BaseStage'))!;
  expect([p.status, p.extra.applied]).toEqual([503, false]);
});
