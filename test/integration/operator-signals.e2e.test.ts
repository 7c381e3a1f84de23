import { Client } from '@temporalio/client';
import { client, HttpClient, staff } from '../support/http';
import { submit } from '../support/journeys';
import { until } from '../support/poll';
import { startStack, Stack } from '../support/stack';
import { temporalClient } from '../support/temporal';

// Operators act through Temporal itself (`temporal workflow signal --name act`): the same
// decider decides, a refused signal changes nothing, and the query answers the base view.
jest.setTimeout(120_000);
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
