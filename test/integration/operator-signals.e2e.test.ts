import { Client } from '@temporalio/client';
import { PoolClient } from 'pg';
import { shanghaiDate } from '../../domain';
import { client, HttpClient, staff } from '../support/http';
import { submit, toPublicity } from '../support/journeys';
import { until } from '../support/poll';
import { loggedLines, startStack, Stack } from '../support/stack';
import { temporalClient } from '../support/temporal';
import { withOwnApi } from '../support/own-api';

// Operators act through Temporal itself (`temporal workflow signal --name act`): the same
// decider decides, a refused signal changes nothing, and the query answers the base view.
jest.setTimeout(240_000);
let stack: Stack;
let http: HttpClient;
let temporal: Client;
beforeAll(async () => {
  stack = await startStack('signals');
  http = client(stack.url);
  temporal = await temporalClient();
});
afterAll(async () => {
  await temporal?.connection.close();
  await stack?.stop();
});

const events = async (id: string) =>
  (await stack.pool.query('SELECT type, actor->>\'sub\' AS sub FROM base_events WHERE base_id = $1 ORDER BY seq', [id])).rows;

test('a signalled decision is decided, persisted and audited like any other', async () => {
  const b = await submit(http);
  const handle = temporal.workflow.getHandle(`base-${b.id}`);
  const ops = { sub: 'ops-7', name: '值班运维', role: 'district_officer', district: '410105' };
  await handle.signal('act', { type: 'recommend', comment: '经电话确认', actor: ops });
  const view = await until('the signalled recommendation', () => http.get(`/api/bases/${b.id}`, staff.officer()), (r) => r.body.stage === 'expert_review', 10_000, 100);
  expect(view.body.recommendation).toMatchObject({ by: { sub: 'ops-7', name: '值班运维' }, comment: '经电话确认' });
  expect(await events(b.id)).toEqual([
    { type: 'Submitted', sub: `app-${b.app.applicant.creditCode}` },
    { type: 'Recommended', sub: 'ops-7' },
  ]);
  // The trail says how each decision came: the submission from an API process, the recommendation by an operator's signal.
  const trail = (await http.get(`/api/bases/${b.id}/history`, staff.admin())).body;
  const sent = trail.entries.filter((e: any) => e.kind === 'submitted' || e.kind === 'action').map((e: any) => [e.action, e.via, e.identity]);
  expect(sent).toEqual([
    ['submit', 'api', expect.stringMatching(/^api \d+@/)],
    ['recommend', 'signal', temporal.options.identity],
  ]);
  const csv = (await http.call('GET', `/api/bases/${b.id}/history?format=csv`, { token: staff.admin() })).text;
  expect(csv.split('\r\n').find((l: string) => l.includes('"recommend"'))).toContain(`"signal","${temporal.options.identity}"`);
  const queried = await handle.query('view', { sub: 'x', name: 'x', role: 'bureau_officer' });
  expect(queried).toMatchObject({ id: b.id, stage: 'expert_review', allowedActions: [] }); // no review recorded yet
});

test('a refused signal changes nothing', async () => {
  const b = await submit(http);
  const handle = temporal.workflow.getHandle(`base-${b.id}`);
  await handle.signal('act', { type: 'recommend', actor: { sub: 'ops-8', name: '他区', role: 'district_officer', district: '410102' } });
  await handle.signal('act', { type: 'decline', reason: '', actor: { sub: 'ops-9', name: '本区', role: 'district_officer', district: '410105' } });
  // A later accepted decision proves both earlier signals have been handled.
  await handle.signal('act', { type: 'return', reason: '补充材料', actor: { sub: 'ops-10', name: '本区', role: 'district_officer', district: '410105' } });
  await until('the signalled decision persisted', () => events(b.id), (rows) => rows.length === 2, 10_000, 100);
  expect((await events(b.id)).map((r) => r.sub)).toEqual([`app-${b.app.applicant.creditCode}`, 'ops-10']);
  const trail = (await http.get(`/api/bases/${b.id}/history`, staff.admin())).body;
  expect(trail.entries.filter((e: any) => e.kind === 'action').map((e: any) => e.actor.sub)).toEqual(['ops-10']);
});

test('a signal with no command, whose clock is not an instant, or whose text cannot be stored, is refused, and the base goes on', async () => {
  const b = await submit(http);
  const handle = temporal.workflow.getHandle(`base-${b.id}`);
  const ops = (n: number) => ({ sub: `ops-${n}`, name: '本区', role: 'district_officer', district: '410105' });
  // `temporal workflow signal --name act` with no --input, or --input null.
  await handle.signal('act');
  await handle.signal('act', null);
  await handle.signal('act', { type: 'recommend', comment: '推荐', at: '', actor: ops(12) });
  await handle.signal('act', { type: 'recommend', comment: '推荐', at: 'yesterday', actor: ops(13) });
  await handle.signal('act', { type: 'recommend', comment: '推\u0000荐', actor: ops(14) });
  await handle.signal('act', { type: 'recommend', comment: '推荐', actor: { ...ops(15), name: '\ud800' } });
  await handle.signal('act', { type: 'return', reason: '补充材料', actor: ops(16) });
  await until('the signalled return persisted', () => events(b.id), (rows) => rows.length === 2, 10_000, 100);
  expect((await events(b.id)).map((r) => r.sub)).toEqual([`app-${b.app.applicant.creditCode}`, 'ops-16']);
  // The workflow's tasks all completed: a decision through the API is taken at once.
  expect((await http.act(b.id, b.token, 'resubmit', { application: b.app })).body.stage).toBe('district_review');
});

test('a signal signed as the system, or by no one, is refused: the window stays open and the base goes on', async () => {
  const b = await submit(http);
  await toPublicity(http, b);
  const handle = temporal.workflow.getHandle(`base-${b.id}`);
  const system = { sub: 'system', name: '系统', role: 'system' };
  // Closing the window days early, as if its timer had fired; a person's action as the system; no name.
  await handle.signal('act', { type: 'close_publicity', actor: system });
  await handle.signal('act', { type: 'withdraw', reason: '撤回', actor: system });
  await handle.signal('act', { type: 'withdraw', reason: '撤回', actor: { role: 'applicant', org: b.app.applicant.creditCode } });
  // Taken after them, in order: the workflow's tasks all completed.
  const objection = await http.post(`/api/bases/${b.id}/objections`, { name: '赵六', contact: '13700000000', reason: '数据不实' });
  expect(objection.status).toBe(201);
  const view = (await http.get(`/api/bases/${b.id}`, staff.officer())).body;
  expect([view.stage, view.publicity.objections.length]).toEqual(['publicity', 1]);
  expect((await events(b.id)).map((e) => e.type)).not.toContain('PublicityClosed');
  const trail = (await http.get(`/api/bases/${b.id}/history`, staff.admin())).body;
  expect(trail.entries.filter((e: any) => e.kind === 'timer')).toEqual([]);
  const refused = await until('the three refusals logged', async () => loggedLines(stack, 'worker').map(parsed).filter((l) => l?.msg === 'signalled command refused' && l.workflowId === `base-${b.id}`), (l) => l.length === 3, 10_000);
  expect(refused.map((l) => l?.error)).toEqual(Array(3).fill(expect.stringContaining('sent by a person')));
});

const parsed = (line: string): Record<string, any> | undefined => {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
};

test('the worker logs a refused signal as one JSON line naming the base, the caller and the reason', async () => {
  const b = await submit(http);
  const workflowId = `base-${b.id}`;
  const handle = temporal.workflow.getHandle(workflowId);
  await handle.signal('act', { type: 'rate', rating: 'excellent', actor: { sub: 'ops-11', name: '值班运维', role: 'bureau_officer' } });
  const district = { sub: 'ops-12', name: '值班运维', role: 'district_officer', district: b.app.applicant.district };
  await handle.signal('act', { type: 'recommend', comment: '推'.repeat(2001), actor: district });
  const workerLines = async () => loggedLines(stack, 'worker');
  const refusals = (lines: string[]) => lines.map(parsed).filter((e) => e?.msg === 'signalled command refused' && e.workflowId === workflowId);
  const lines = await until('both refusals logged', workerLines, (l) => refusals(l).length === 2, 10_000, 100);
  // Each says what a request's 409 or 422 would: the stage and what it offers, or the field at fault.
  expect(refusals(lines)).toMatchObject([
    { level: 'warn', component: 'worker', sdkComponent: 'workflow', type: 'rate', actor: { sub: 'ops-11' }, error: expect.stringContaining('rate'), details: { stage: 'district_review' } },
    { type: 'recommend', actor: { sub: 'ops-12' }, details: { errors: [{ path: 'comment', message: 'at most 2000 characters' }] } },
  ]);
  // Every line the worker wrote, the SDK's own included, is one JSON object.
  expect(lines.filter((l) => parsed(l) === undefined)).toEqual([]);
});

test('a base withdrawn while the run waited on the calendar it had just been told of ends its run', async () => {
  const year = Number(shanghaiDate(Date.now()).slice(0, 4));
  const b = await submit(http);
  // Its window waits for this year's schedule, set aside (every column kept) until it is put back.
  await stack.pool.query('UPDATE calendar_years SET year = -year WHERE year = $1', [year]);
  let locker: PoolClient | undefined;
  try {
    const opened = await toPublicity(http, b);
    expect(opened.publicity.waiting?.year).toBe(year);
    await stack.pool.query('UPDATE calendar_years SET year = -year WHERE year = $1', [-year]);
    // The year is back, but the lookup the nudge starts is held up (PostgreSQL slow, say).
    locker = await stack.pool.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE calendar_years IN ACCESS EXCLUSIVE MODE');
    const handle = temporal.workflow.getHandle(`base-${b.id}`);
    const accepted = async () => (await handle.fetchHistory()).events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length ?? 0;
    const before = await accepted();
    await handle.signal('calendarLoaded', year);
    // Meanwhile the applicant withdraws, through an API that waits as long as it takes: the update
    // is taken once the held task reports in (a workflow task heartbeats every 8 s or so).
    await withOwnApi(stack, { env: { REQUEST_TIMEOUT_MS: '90000' } }, async (patient) => {
      const withdrawal = patient.call('POST', `/api/bases/${b.id}/actions`, { token: b.token, body: { type: 'withdraw', reason: '合作调整' }, timeoutMs: 120_000 });
      await until('the withdrawal taken', accepted, (n) => n === before + 1, 90_000, 250);
      await locker!.query('ROLLBACK');
      locker!.release();
      locker = undefined;
      const answered = await withdrawal;
      expect([answered.status, answered.body.stage]).toEqual([200, 'withdrawn']);
    });
    await until('the run ended', async () => (await handle.describe()).status.name, (status) => status === 'COMPLETED', 30_000, 250);
  } finally {
    if (locker) {
      await locker.query('ROLLBACK').catch(() => undefined);
      locker.release();
    }
    await stack.pool.query('UPDATE calendar_years SET year = -year WHERE year = $1', [-year]);
  }
});
