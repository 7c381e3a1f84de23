import { application, applicantToken, client, HttpClient, Reply, staff, today } from '../support/http';
import { step, submit, submitKeyed, TestBase, toPartyReview, toPublicity } from '../support/journeys';
import { startStack, Stack } from '../support/stack';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ObjectionCommand, shanghaiDate } from '../../domain';
import { workflowIdOf } from '../../workflows/ids';
import { actUpdate } from '../../workflows/messages';
import { countWorkflows, temporalClient } from '../support/temporal';
import { tracer, Tracer } from '../support/traces';
import { stays, until } from '../support/poll';
import { withOwnApi } from '../support/own-api';

// Real time (TIME_SCALE 1): a publicity window stays open for days, so objections can pile up.
jest.setTimeout(180_000);
let stack: Stack;
let http: HttpClient;
let traces: Tracer;
beforeAll(async () => {
  stack = await startStack('concurrency');
  http = client(stack.url);
  traces = await tracer(stack.pool, stack.env.TEMPORAL_ADDRESS!);
});
afterAll(async () => {
  await traces?.close();
  await stack?.stop();
});

const N = 8;
const statuses = (rs: Reply[]) => rs.map((r) => r.status).sort();
const eventTypes = async (baseId: string) =>
  (await stack.pool.query('SELECT type, command_id FROM base_events WHERE base_id = $1 ORDER BY seq', [baseId])).rows as { type: string; command_id: string }[];

test(`one Idempotency-Key on ${N} simultaneous submissions: one base, one workflow, ${N} equal answers`, async () => {
  const app = application();
  const token = applicantToken(app.applicant.creditCode);
  const headers = { 'idempotency-key': `submit-${app.applicant.creditCode}` };
  const answers = await Promise.all(Array.from({ length: N }, () => http.post('/api/bases', app, token, headers)));
  expect(statuses(answers)).toEqual(Array(N).fill(201));
  for (const a of answers) expect(a.body).toEqual(answers[0].body);
  const id = answers[0].body.id;
  for (const a of answers) expect(a.headers.get('location')).toBe(`/api/bases/${id}`);
  const rows = await stack.pool.query('SELECT id FROM bases WHERE credit_code = $1', [app.applicant.creditCode]);
  expect(rows.rows).toEqual([{ id }]);
  expect((await eventTypes(id)).map((e) => e.type)).toEqual(['Submitted']);
  expect((await traces.of(id)).acceptedUpdates).toBe(1);
  expect(await countWorkflows(`WorkflowId = 'base-${id}'`)).toBe(1);
  // A retry long after still finds the same base rather than opening another.
  const late = await http.post('/api/bases', app, token, headers);
  expect(late.body).toEqual(answers[0].body);
  expect(late.headers.get('location')).toBe(`/api/bases/${id}`);
});

test(`one Idempotency-Key on ${N} simultaneous decisions: applied once, ${N} equal answers`, async () => {
  const b = await submit(http);
  const before = await traces.of(b.id);
  const headers = { 'idempotency-key': 'recommend-once' };
  const answers = await Promise.all(Array.from({ length: N }, () => http.act(b.id, staff.district(), 'recommend', { comment: '推荐' }, headers)));
  expect(statuses(answers)).toEqual(Array(N).fill(200));
  for (const a of answers) expect(a.body).toEqual(answers[0].body);
  expect(answers[0].body.stage).toBe('expert_review');
  expect((await eventTypes(b.id)).map((e) => e.type)).toEqual(['Submitted', 'Recommended']);
  const after = await traces.of(b.id);
  expect(after.acceptedUpdates).toBe(before.acceptedUpdates + 1);
  expect(after.version).toBe(before.version + 1);
  const retry = await http.act(b.id, staff.district(), 'recommend', { comment: '推荐' }, headers);
  expect(retry.body).toEqual(answers[0].body);
  expect(await traces.of(b.id)).toEqual(after);
});

test('recommend and decline sent at the same moment: exactly one is applied, the other hears 409', async () => {
  // Several pairs, because the loser meets either a running workflow or one the winner just closed.
  const bases = await Promise.all(Array.from({ length: 6 }, () => submit(http)));
  await Promise.all(
    bases.map(async (b) => {
      const district = staff.district();
      const [rec, dec] = await Promise.all([http.act(b.id, district, 'recommend', {}), http.act(b.id, district, 'decline', { reason: '不符合' })]);
      expect(statuses([rec, dec])).toEqual([200, 409]);
      const winner = rec.status === 200 ? rec : dec;
      const loser = rec.status === 200 ? dec : rec;
      expect(loser.body).toMatchObject({ status: 409, stage: winner.body.stage, allowedActions: [] });
      const events = (await eventTypes(b.id)).map((e) => e.type);
      expect(events).toEqual(['Submitted', rec.status === 200 ? 'Recommended' : 'Declined']);
      const read = await http.get(`/api/bases/${b.id}`, district);
      expect(read.body.stage).toBe(winner.body.stage);
    }),
  );
});

test('a retry of the decision that closed a base answers as that decision did', async () => {
  const b = await submit(http);
  const headers = { 'idempotency-key': 'decline-once' };
  const first = await http.act(b.id, staff.district(), 'decline', { reason: '不符合' }, headers);
  expect(first.body.stage).toBe('rejected');
  const [again, other] = await Promise.all([
    http.act(b.id, staff.district(), 'decline', { reason: '不符合' }, headers),
    http.act(b.id, staff.district(), 'decline', { reason: '不符合' }, { 'idempotency-key': 'another' }),
  ]);
  expect(again).toMatchObject({ status: 200, body: first.body });
  // Refused from the table, in the words a refusal by the workflow's end has (outstanding.e2e).
  expect(other.body).toMatchObject({ status: 409, stage: 'rejected', detail: 'the base is rejected', allowedActions: [] });
  // A body the rules refuse is 422 before the closed stage's 409 here too: a meeting next year is a bad date whatever the stage.
  const nextYear = `${new Date().getFullYear() + 1}-06-01`;
  const dated = await http.act(b.id, staff.leader(), 'approve_candidate', { meeting: { date: nextYear, minutes: '纪要' } });
  expect([dated.status, dated.body.errors]).toEqual([422, [{ path: 'meeting.date', message: expect.stringContaining('not after today') }]]);
  expect((await http.act(b.id, staff.leader(), 'approve_candidate', { meeting: { date: '2026-01-05', minutes: '纪要' } })).status).toBe(409);
  expect((await eventTypes(b.id)).map((e) => e.type)).toEqual(['Submitted', 'Declined']);
});

test('a submission resent under its key after Temporal has deleted its closed workflow answers with the base it made and starts nothing', async () => {
  const first = await submitKeyed(http, 'submit-retained');
  const { app, token, headers } = first;
  await step(http, first, token, 'withdraw', { reason: '合作调整' }, 'withdrawn');
  const temporal = await temporalClient();
  try {
    // What the namespace's retention does to a closed run, done now.
    const handle = temporal.workflow.getHandle(workflowIdOf(first.id));
    await temporal.workflowService.deleteWorkflowExecution({ namespace: temporal.options.namespace, workflowExecution: { workflowId: handle.workflowId } });
    const gone = () => handle.describe().then(() => false, (e) => e instanceof WorkflowNotFoundError);
    // The server deletes a closed run once its visibility record is closed: about a minute on the dev server.
    await until('the closed run deleted', gone, (yes) => yes, 150_000, 1_000);
    const late = await http.post('/api/bases', app, token, headers);
    expect([late.status, late.body.id, late.body.stage]).toEqual([201, first.id, 'withdrawn']);
    await stays('no second run started', gone, (yes) => yes);
    expect((await eventTypes(first.id)).map((e) => e.type)).toEqual(['Submitted', 'Withdrawn']);
  } finally {
    await temporal.connection.close();
  }
}, 240_000);

test('a resend after other decisions answers as the decision did then, not with the base as it stands now', async () => {
  const b = await submit(http);
  const headers = { 'idempotency-key': 'recommend-then' };
  const first = await http.act(b.id, staff.district(), 'recommend', { comment: '推荐' }, headers);
  expect(first.body).toMatchObject({ stage: 'expert_review', reviews: [] });
  expect((await http.act(b.id, staff.expert(1), 'record_review', { score: 88 })).status).toBe(200);
  const again = await http.act(b.id, staff.district(), 'recommend', { comment: '推荐' }, headers);
  expect(again).toMatchObject({ status: 200, body: first.body });
  expect((await eventTypes(b.id)).map((e) => e.type)).toEqual(['Submitted', 'Recommended', 'ReviewRecorded']);
});

test('a resent approval answers with the publicity window the system fixed as part of it, and without what came after', async () => {
  const b = await submit(http);
  await toPartyReview(http, b);
  const headers = { 'idempotency-key': 'approve-then' };
  const meeting = { date: today(), minutes: '纪要' };
  const first = await http.act(b.id, staff.leader(), 'approve_candidate', { meeting }, headers);
  expect(first.body).toMatchObject({ stage: 'publicity', publicity: { firstDay: expect.any(String), endsAt: expect.any(String) } });
  const objection = await http.post(`/api/bases/${b.id}/objections`, { name: '王五', contact: '13900000000', reason: '数据不实' });
  expect(objection.status).toBe(201);
  const again = await http.act(b.id, staff.leader(), 'approve_candidate', { meeting }, headers);
  expect(again).toMatchObject({ status: 200, body: first.body });
  const now = await http.get(`/api/bases/${b.id}`, staff.leader());
  expect([first.body.publicity.objections.length, now.body.publicity.objections.length]).toEqual([0, 1]);
});

test('approve and reject of the same candidate at the same moment: one applied, one 409', async () => {
  const b = await submit(http);
  await toPartyReview(http, b);
  const meeting = { date: today(), minutes: '纪要' };
  const [approve, reject] = await Promise.all([
    http.act(b.id, staff.leader(), 'approve_candidate', { meeting }),
    http.act(b.id, staff.leader(), 'reject_candidate', { meeting, reason: '名额所限' }),
  ]);
  expect(statuses([approve, reject])).toEqual([200, 409]);
  const decided = (await eventTypes(b.id)).map((e) => e.type).filter((t) => t === 'CandidateApproved' || t === 'CandidateRejected');
  expect(decided).toEqual([approve.status === 200 ? 'CandidateApproved' : 'CandidateRejected']);
});

test('two experts reviewing at once are both recorded', async () => {
  const b = await submit(http);
  await http.act(b.id, staff.district(), 'recommend', {});
  const [one, two] = await Promise.all([
    http.act(b.id, staff.expert(1), 'record_review', { score: 80, opinion: '甲' }),
    http.act(b.id, staff.expert(2), 'record_review', { score: 90, opinion: '乙' }),
  ]);
  expect(statuses([one, two])).toEqual([200, 200]);
  const view = await http.get(`/api/bases/${b.id}`, staff.officer());
  expect(view.body.reviews.map((r: any) => r.by.sub).sort()).toEqual(['expert-1', 'expert-2']);
  expect((await eventTypes(b.id)).filter((e) => e.type === 'ReviewRecorded')).toHaveLength(2);
});

test('many objections at once during publicity: every one answered 201 is on the base exactly once', async () => {
  const b: TestBase = await submit(http);
  await toPublicity(http, b);
  // Each objector resends with its own key: a 503 after the deadline may hide an objection
  // already filed, and the key keeps it to one.
  const object = (i: number) =>
    http.post(`/api/bases/${b.id}/objections`, { name: `公众${i}`, contact: `1380000${String(i).padStart(4, '0')}`, reason: `异议${i}` }, undefined, { 'Idempotency-Key': `objector-${i}` });
  const filed: string[] = [];
  let pending = Array.from({ length: 30 }, (_, i) => i);
  // Temporal admits a bounded number of updates per workflow at once; past that the API says
  // 503 with Retry-After and the objector sends again, as the contract asks.
  for (let round = 0; pending.length && round < 10; round++) {
    const answers = await Promise.all(pending.map(object));
    const next: number[] = [];
    answers.forEach((a, k) => {
      if (a.status === 201) filed.push(a.body.id);
      else {
        expect([a.status, a.headers.get('retry-after')]).toEqual([503, expect.stringMatching(/^\d+$/)]);
        next.push(pending[k]);
      }
    });
    pending = next;
  }
  expect(pending).toEqual([]);
  expect(new Set(filed).size).toBe(30);
  const view = await http.get(`/api/bases/${b.id}`, staff.officer());
  expect(view.body.stage).toBe('publicity');
  expect(view.body.publicity.objections.map((o: any) => o.id).sort()).toEqual([...filed].sort());
  const events = (await eventTypes(b.id)).filter((e) => e.type === 'ObjectionFiled');
  expect(events).toHaveLength(30);
});

test('an objection resent with its Idempotency-Key is filed once and answers the same id, even after publicity', async () => {
  const b: TestBase = await submit(http);
  await toPublicity(http, b);
  const body = { name: '张三', contact: '13800000000', reason: '材料不实' };
  const headers = { 'Idempotency-Key': 'objection-zhang' };
  const answers = await Promise.all(Array.from({ length: 4 }, () => http.post(`/api/bases/${b.id}/objections`, body, undefined, headers)));
  expect(statuses(answers)).toEqual(Array(4).fill(201));
  for (const a of answers) expect(a.body).toEqual(answers[0].body);
  const ruled = await http.act(b.id, staff.officer(), 'rule_objection', { objectionId: answers[0].body.id, upheld: true, reason: '属实' });
  expect(ruled.body.stage).toBe('rejected');
  // The objector's late resend hears that it was filed, not 409: it was, once.
  const late = await http.post(`/api/bases/${b.id}/objections`, body, undefined, headers);
  expect([late.status, late.body]).toEqual([201, answers[0].body]);
  // Without the key the same words are a new objection, refused now that publicity has ended.
  expect((await http.post(`/api/bases/${b.id}/objections`, body)).status).toBe(409);
  expect((await eventTypes(b.id)).filter((e) => e.type === 'ObjectionFiled')).toHaveLength(1);
});

test('an objection stamped at 24:00 on the last day is refused, though the timer that closes the window has not run yet', async () => {
  // As if the worker had been down at midnight: the window is open in the workflow, the clock past it.
  const b: TestBase = await submit(http);
  await toPublicity(http, b);
  const { endsAt } = (await http.get(`/api/bases/${b.id}`, staff.officer())).body.publicity;
  const before = await traces.of(b.id);
  const late: ObjectionCommand = {
    type: 'file_objection', objectionId: 'late-1', name: '王五', contact: '13900000000', reason: '逾期', commandId: 'objection-late-1',
    actor: { sub: 'public-late', name: '王五', role: 'public' }, at: endsAt,
  };
  const temporal = await temporalClient();
  try {
    const sent = temporal.workflow.getHandle(workflowIdOf(b.id)).executeUpdate(actUpdate, { args: [late], updateId: late.commandId });
    await expect(sent).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(sent.catch((err) => err.cause)).resolves.toMatchObject({ type: 'ILLEGAL_STAGE', message: expect.stringContaining(`publicity ended at ${endsAt}`) });
  } finally {
    await temporal.connection.close();
  }
  expect(await traces.of(b.id)).toEqual(before);
  expect((await http.get(`/api/bases/${b.id}`, staff.officer())).body.publicity.objections).toEqual([]);
});

describe('one Idempotency-Key with a different body', () => {
  const reused = (r: Reply) => [r.status, r.body?.type, r.body?.errors];
  const REUSED = [422, 'urn:zz-coop-bases:problem:idempotency-key-reused', [{ path: 'Idempotency-Key', message: 'already used for a different request' }]];

  test(`${N} decisions sent at once under one key, each with its own comment: one is applied, the rest are refused`, async () => {
    const b = await submit(http);
    const headers = { 'idempotency-key': 'recommend-varied' };
    const answers = await Promise.all(Array.from({ length: N }, (_, i) => http.act(b.id, staff.district(), 'recommend', { comment: `推荐${i}` }, headers)));
    expect(statuses(answers)).toEqual([200, ...Array(N - 1).fill(422)]);
    for (const a of answers.filter((x) => x.status === 422)) expect(reused(a)).toEqual(REUSED);
    const applied = answers.findIndex((a) => a.status === 200);
    const { rows } = await stack.pool.query(`SELECT payload->>'comment' AS comment FROM base_events WHERE base_id = $1 AND type = 'Recommended'`, [b.id]);
    expect(rows).toEqual([{ comment: `推荐${applied}` }]);
    // The applied body sent again, its fields in another order, is a resend and answers the same.
    const again = await http.call('POST', `/api/bases/${b.id}/actions`, { token: staff.district(), body: { comment: `推荐${applied}`, type: 'recommend' }, headers });
    expect([again.status, again.body]).toEqual([200, answers[applied].body]);
    // Another body after the decision was written is refused too, and changes nothing.
    const before = await traces.of(b.id);
    expect(reused(await http.act(b.id, staff.district(), 'decline', { reason: '不符合' }, headers))).toEqual(REUSED);
    expect(await traces.of(b.id)).toEqual(before);
  });

  test('a request the workflow refused changes nothing, its key included: the corrected body under that key is applied', async () => {
    const b = await submit(http);
    expect((await http.act(b.id, staff.district(), 'recommend', {})).status).toBe(200);
    expect((await http.act(b.id, staff.expert(1), 'record_review', { score: 85 })).status).toBe(200);
    const headers = { 'idempotency-key': 'conclude-corrected' };
    const first = await http.act(b.id, staff.officer(), 'conclude_review', { passed: true }, headers);
    expect([first.status, first.body.errors?.map((e: { path: string }) => e.path)]).toEqual([422, ['siteInspection']]);
    const keys = await stack.pool.query('SELECT count(*)::int AS n FROM request_keys WHERE base_id = $1', [b.id]);
    expect(keys.rows[0].n).toBe(0);
    const corrected = { passed: true, siteInspection: { date: today(), summary: '现场考察属实' } };
    const applied = await http.act(b.id, staff.officer(), 'conclude_review', corrected, headers);
    expect([applied.status, applied.body.stage]).toEqual([200, 'party_review']);
    // Now the key is the corrected request's: a resend answers it, another body is refused.
    expect((await http.act(b.id, staff.officer(), 'conclude_review', corrected, headers)).body).toEqual(applied.body);
    expect(reused(await http.act(b.id, staff.officer(), 'conclude_review', { passed: false }, headers))).toEqual(REUSED);
    expect((await eventTypes(b.id)).map((e) => e.type)).toEqual(['Submitted', 'Recommended', 'ReviewRecorded', 'ReviewConcluded']);
  });

  test('a submission resent under its key with another application is refused, and the base stays as it was', async () => {
    const first = await submitKeyed(http, 'submit-varied');
    const { app, token, headers } = first;
    const changed = { ...app, applicant: { ...app.applicant, name: `${app.applicant.name}（更正）` } };
    expect(reused(await http.post('/api/bases', changed, token, headers))).toEqual(REUSED);
    const now = await http.get(`/api/bases/${first.id}`, token);
    expect(now.body).toEqual(first.view);
    expect((await eventTypes(first.id)).map((e) => e.type)).toEqual(['Submitted']);
  });

  test('an objection resent under its key with another reason is refused; the first stands alone', async () => {
    const b: TestBase = await submit(http);
    await toPublicity(http, b);
    const headers = { 'Idempotency-Key': 'objection-varied' };
    const body = { name: '李四', contact: '13800000001', reason: '数据不实' };
    const first = await http.post(`/api/bases/${b.id}/objections`, body, undefined, headers);
    expect(first.status).toBe(201);
    expect(reused(await http.post(`/api/bases/${b.id}/objections`, { ...body, reason: '另有异议' }, undefined, headers))).toEqual(REUSED);
    const view = await http.get(`/api/bases/${b.id}`, staff.officer());
    expect(view.body.publicity.objections.map((o: any) => [o.id, o.reason])).toEqual([[first.body.id, '数据不实']]);
  });
});

test('a keyed submission resent once its agreement has expired is answered with the base it made, not refused as ineligible', async () => {
  // An API three days on, on the same servers: the agreement valid until tomorrow has expired there
  // (tomorrow, so that Shanghai's midnight passing mid-test cannot expire it for the first send).
  await withOwnApi(stack, { now: () => Date.now() + 3 * 864e5 }, async (laterHttp) => {
    const app = application();
    const body = { ...app, agreement: { ...app.agreement, validUntil: shanghaiDate(Date.now() + 864e5) } };
    const token = applicantToken(app.applicant.creditCode);
    const headers = { 'idempotency-key': `expiring-${app.applicant.creditCode}` };
    const first = await http.post('/api/bases', body, token, headers);
    expect(first.status).toBe(201);
    const again = await laterHttp.post('/api/bases', body, token, headers);
    expect([again.status, again.body.id]).toEqual([201, first.body.id]);
    // A new application under a new key is judged today: refused.
    expect((await laterHttp.post('/api/bases', body, token, { 'idempotency-key': `${headers['idempotency-key']}-new` })).body).toMatchObject({ status: 422 });
    expect((await eventTypes(first.body.id)).map((e) => e.type)).toEqual(['Submitted']);
  });
});
