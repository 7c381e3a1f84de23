import { Client } from '@temporalio/client';
import { client, HttpClient, staff } from '../support/http';
import { rate, submit, toCertified, toPublicity } from '../support/journeys';
import { startStack, Stack } from '../support/stack';
import { temporalClient } from '../support/temporal';
import { workflowIdOf } from '../../workflows/ids';

jest.setTimeout(120_000);
let stack: Stack;
let http: HttpClient;
let temporal: Client;
const ids: Record<string, string> = {};
beforeAll(async () => {
  stack = await startStack('search', { timeScale: 5_000_000 });
  http = client(stack.url);
  temporal = await temporalClient();
  const inJinshui = await submit(http, { district: '410105' });
  const inZhongyuan = await submit(http, { district: '410102' });
  const excellent = await submit(http, { district: '410105' });
  await toCertified(http, excellent);
  await rate(http, excellent, 'excellent');
  Object.assign(ids, { inJinshui: inJinshui.id, inZhongyuan: inZhongyuan.id, excellent: excellent.id });
});
afterAll(async () => {
  await temporal?.connection.close();
  await stack?.stop();
});

const list = async (query: string, token = staff.officer()) => (await http.get(`/api/bases?${query}`, token)).body;

test('staff filter by stage, district, rating and the applicant\'s name, with paging and sorting', async () => {
  expect((await list('stage=district_review')).items.map((b: any) => b.id).sort()).toEqual([ids.inJinshui, ids.inZhongyuan].sort());
  expect((await list('district=410102')).items.map((b: any) => b.id)).toEqual([ids.inZhongyuan]);
  expect((await list('rating=excellent')).items.map((b: any) => b.id)).toEqual([ids.excellent]);
  const one = (await http.get(`/api/bases/${ids.inZhongyuan}`, staff.officer())).body;
  expect((await list(`q=${encodeURIComponent(one.applicant.name.slice(4, 10))}`)).items.map((b: any) => b.id)).toEqual([ids.inZhongyuan]);
  const page1 = await list('pageSize=2&page=1&sort=submittedAt&order=asc');
  const page2 = await list('pageSize=2&page=2&sort=submittedAt&order=asc');
  expect(page1).toMatchObject({ total: 3, page: 1, pageSize: 2 });
  expect([...page1.items, ...page2.items].map((b: any) => b.id)).toEqual([ids.inJinshui, ids.inZhongyuan, ids.excellent]);
});

test('a district officer sees only its own district', async () => {
  const mine = await list('', staff.district('410102'));
  expect(mine.items.map((b: any) => b.id)).toEqual([ids.inZhongyuan]);
  expect((await http.get('/api/bases?district=410105', staff.district('410102'))).status).toBe(403);
});

test('bad filters are refused naming the parameter', async () => {
  const r = await http.get('/api/bases?stage=nope&pageSize=500&colour=red', staff.officer());
  expect(r.status).toBe(422);
  expect(r.body.errors.map((e: any) => e.path).sort()).toEqual(['query', 'query.pageSize', 'query.stage'].sort());
});

test('operators find bases by stage and district in Temporal itself (search attributes)', async () => {
  const b = await submit(http, { district: '410183' });
  await toPublicity(http, b);
  const query = `BaseStage='certified' AND BaseDistrict='410183'`;
  const found: string[] = [];
  for (let i = 0; i < 50 && !found.length; i++) {
    for await (const w of temporal.workflow.list({ query })) found.push(w.workflowId);
    if (!found.length) await new Promise((r) => setTimeout(r, 200));
  }
  expect(found).toEqual([`base-${b.id}`]);
  const rated: string[] = [];
  for await (const w of temporal.workflow.list({ query: `BaseRating='excellent' AND WorkflowId='base-${ids.excellent}'` })) rated.push(w.workflowId);
  expect(rated).toEqual([`base-${ids.excellent}`]);
});

// The worker keeps four frames of each promise's stack (workflows/sandbox.ts): enough for this.
test('an operator asking a running base where it waits (the stack-trace query, the Web UI\'s Stack Trace tab) is shown the workflow\'s own line', async () => {
  const trace: string = await temporal.workflow.getHandle(workflowIdOf(ids.inJinshui)).query('__stack_trace');
  expect(trace).toMatch(/at baseWorkflow \(.*base\.workflow\.ts:\d+:\d+\)/);
});
