import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { randomBytes, randomUUID } from 'node:crypto';
import { idFor } from '../../api/idempotency';
import { applicantToken, application, client, HttpClient, staff } from '../support/http';
import { rate, submit, toCertified, toPublicity } from '../support/journeys';
import { until } from '../support/poll';
import { loggedLines, startStack, Stack } from '../support/stack';
import { countEvents, EventType, runsOf, temporalClient } from '../support/temporal';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
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
  // A code no district has is a mistake to say, not a district with no bases.
  const unknown = await http.get('/api/bases?district=abc', staff.officer());
  expect([unknown.status, unknown.body.errors]).toEqual([422, [{ path: 'query.district', message: 'a district code from /api/districts' }]]);
  expect((await list('rating=excellent')).items.map((b: any) => b.id)).toEqual([ids.excellent]);
  // Several values mean any of them: Art. 12's excellent and qualified bases that hold their status, in one query.
  expect((await list('rating=excellent,qualified&stage=certified,evaluation')).items.map((b: any) => b.id)).toEqual([ids.excellent]);
  expect((await list('stage=district_review,certified&sort=submittedAt&order=asc')).items.map((b: any) => b.id)).toEqual([ids.inJinshui, ids.inZhongyuan, ids.excellent]);
  expect((await list('stage=certified,revoked&rating=qualified')).items).toEqual([]);
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
  expect([r.status, r.body.type, r.body.title]).toEqual([422, 'urn:zz-coop-bases:problem:invalid-query', 'Invalid query']);
  expect(r.body.errors.map((e: any) => e.path).sort()).toEqual(['query.colour', 'query.pageSize', 'query.stage']);
  const oneBad = await http.get('/api/bases?stage=certified,nope&rating=excellent,', staff.officer());
  expect([oneBad.status, oneBad.body.errors.map((e: any) => e.path).sort()]).toEqual([422, ['query.rating', 'query.stage']]);
});

/** The workflow ids Temporal lists for a query, once it lists any (visibility lags the history a little). */
const listed = (query: string, c = temporal) =>
  until(`listed for ${query}`, async () => {
    const found: string[] = [];
    for await (const w of c.workflow.list({ query })) found.push(w.workflowId);
    return found;
  }, (found) => found.length > 0, 10_000);

test('operators find bases by stage and district in Temporal itself (search attributes)', async () => {
  const b = await submit(http, { district: '410183' });
  await toPublicity(http, b);
  expect(await listed(`BaseStage='certified' AND BaseDistrict='410183'`)).toEqual([`base-${b.id}`]);
  expect(await listed(`BaseRating='excellent' AND WorkflowId='base-${ids.excellent}'`)).toEqual([`base-${ids.excellent}`]);
});

test('a base is found by its stage in Temporal from its submission on, without its first task writing search attributes', async () => {
  const b = await submit(http, { district: '410181' });
  expect(await listed(`BaseStage='district_review' AND BaseDistrict='410181' AND PolicyVersion='2021'`)).toEqual([workflowIdOf(b.id)]);
  expect(countEvents(await runsOf(temporal, b.id), EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)).toBe(0);
});

test('in a namespace no worker has yet registered the search attributes in, a submission is 503 and creates nothing; sent again once a worker has started, it goes through, and the worker says what it registered', async () => {
  const namespace = `fresh-${randomBytes(3).toString('hex')}`;
  await temporal.connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  const there = new Client({ connection: temporal.connection, namespace });
  // The namespace is usable once a start in it is refused for the attributes, not for the namespace.
  const probe = () =>
    there.workflow
      .start('probe', { taskQueue: 'none', workflowId: 'probe', typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.BaseStage, value: 'x' }] })
      .then(() => 'started', (e: Error) => String((e as { cause?: Error }).cause?.message ?? e));
  await until('the new namespace in use', probe, (refusal) => /search attribute/.test(refusal), 60_000);
  const fresh = await startStack('freshns', { timeScale: 5_000_000, worker: false, env: { TEMPORAL_NAMESPACE: namespace, LOG_LEVEL: 'info' } });
  try {
    const app = application({ district: '410181' });
    const key = randomUUID();
    const send = () => client(fresh.url).post('/api/bases', app, applicantToken(app.applicant.creditCode), { 'Idempotency-Key': key });
    const refused = await send();
    expect([refused.status, refused.body.applied]).toEqual([503, false]);
    // Looked up by the id the submission gives its base, not counted: visibility lags a start.
    const baseId = idFor(key, 'submit', app.applicant.creditCode);
    await expect(there.workflow.getHandle(workflowIdOf(baseId)).describe()).rejects.toThrow(WorkflowNotFoundError);
    await fresh.startWorker();
    const taken = await send();
    expect([taken.status, taken.body.stage, taken.body.id]).toEqual([201, 'district_review', baseId]);
    expect(await listed(`BaseStage='district_review'`, there)).toEqual([workflowIdOf(taken.body.id)]);
    // A line reaches the log's file a moment after it is written.
    const registeredLines = () => loggedLines(fresh, 'worker').filter((l) => l.includes('search attributes registered'));
    const registered = (await until('the registration logged', async () => registeredLines(), (l) => l.length > 0)).map((l) => JSON.parse(l));
    expect(registered).toEqual([expect.objectContaining({ namespace, names: expect.arrayContaining(Object.values(SEARCH_ATTRIBUTES).map((k) => k.name)) })]);
  } finally {
    await fresh.stop();
  }
});

// The worker keeps four frames of each promise's stack (workflows/sandbox.ts): enough for this.
test('an operator asking a running base where it waits (the stack-trace query, the Web UI\'s Stack Trace tab) is shown the workflow\'s own line', async () => {
  const trace: string = await temporal.workflow.getHandle(workflowIdOf(ids.inJinshui)).query('__stack_trace');
  expect(trace).toMatch(/at baseWorkflow \(.*base\.workflow\.ts:\d+:\d+\)/);
});
