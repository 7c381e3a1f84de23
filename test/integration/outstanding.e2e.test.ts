import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { Pool } from 'pg';
import { addressHashOf, fingerprintOf, idFor } from '../../api/idempotency';
import { abandonOutstanding, dropRefused, readOutstanding, recordOutstanding } from '../../store/outstanding';
import { Actor, formatInstant, objectionSchema, parseAction, PersonCommand } from '../../domain';
import { client, HttpClient, staff } from '../support/http';
import { step, submit, submitKeyed, TestBase, toPublicity } from '../support/journeys';
import { until } from '../support/poll';
import { startStack, Stack, TEST_SECRET } from '../support/stack';
import { startTcpProxy } from '../support/tcp-proxy';
import { temporalClient, updateBehindTheApi } from '../support/temporal';

// The API writes each decision from the update's answer. These suites stand in for an API that got
// the answer and died before writing it: the update is sent straight to Temporal, as that API had.
jest.setTimeout(120_000);
const GIVE_UP_MS = 15_000;
let stack: Stack;
let http: HttpClient;
let temporal: Client;
beforeAll(async () => {
  // A short deadline makes a decision "outstanding" after 2 × 2 s; the sweep looks every 300 ms,
  // and gives up on one that never reached the history after 15 s.
  stack = await startStack('outstanding', { env: { REQUEST_TIMEOUT_MS: '2000', OUTSTANDING_SWEEP_MS: '300', OUTSTANDING_GIVE_UP_MS: String(GIVE_UP_MS) } });
  http = client(stack.url);
  temporal = await temporalClient();
});
afterAll(async () => {
  await temporal?.connection.close();
  await stack?.stop();
});

const district: Actor = { sub: 'district-410105', name: '区县科技局经办人', role: 'district_officer', district: '410105' };
const recommend = (commandId: string): PersonCommand => ({ type: 'recommend', comment: '推荐', actor: district, at: formatInstant(Date.now()), commandId }) as PersonCommand;
const sendBehindTheApi = (b: TestBase, cmd: PersonCommand) => updateBehindTheApi(temporal, b.id, { ...cmd });

const eventsOf = async (baseId: string) =>
  (await stack.pool.query('SELECT type, command_id FROM base_events WHERE base_id = $1 ORDER BY seq', [baseId])).rows as { type: string; command_id: string }[];
const outstanding = async (baseId: string) =>
  Number((await stack.pool.query('SELECT count(*) AS n FROM outstanding_decisions WHERE base_id = $1', [baseId])).rows[0].n);

/** The command id the API gives a district officer's decision sent with this Idempotency-Key. */
const keyedCommandId = (b: TestBase, key: string) => `act-${idFor(key, 'act', b.id, district.sub)}`;

/** A further resend under the key: the same answer, nothing written again, nothing left owed. */
async function expectResendAnswered(b: TestBase, type: string, extra: object, key: string, first: { body: unknown }, types: string[]) {
  const again = await http.act(b.id, staff.district(), type, extra, { 'idempotency-key': key });
  expect(again.body).toEqual(first.body);
  expect((await eventsOf(b.id)).map((e) => e.type)).toEqual(types);
  expect(await outstanding(b.id)).toBe(0);
}

test('an answered decision is in the event log, the letters and the read model when the API answers, and nothing is left outstanding', async () => {
  const b = await submit(http);
  expect(await eventsOf(b.id)).toEqual([{ type: 'Submitted', command_id: expect.any(String) }]);
  const r = await http.act(b.id, staff.district(), 'recommend', { comment: '推荐' });
  expect(r.status).toBe(200);
  expect((await eventsOf(b.id)).map((e) => e.type)).toEqual(['Submitted', 'Recommended']);
  expect((await http.get(`/api/bases/${b.id}`, staff.officer())).body.stage).toBe('expert_review');
  const letters = await stack.pool.query("SELECT recipient_kind FROM notifications WHERE base_id = $1 AND event_type = 'Recommended' ORDER BY idx", [b.id]);
  expect(letters.rows.map((l) => l.recipient_kind)).toEqual(['applicant', 'bureau']);
  expect(await outstanding(b.id)).toBe(0);
  // A refusal applies nothing and owes nothing.
  expect((await http.act(b.id, staff.district(), 'recommend', { comment: '再次推荐' })).status).toBe(409);
  expect(await outstanding(b.id)).toBe(0);
});

test('a resend of a written decision is answered as it was made, not from an event log with an earlier decision missing', async () => {
  const b = await submit(http);
  // The recommendation's API died with nothing written or noted: only the history has it, for now.
  await sendBehindTheApi(b, recommend(`act-unwritten-${b.id}`));
  const headers = { 'idempotency-key': `review-after-gap-${b.id}` };
  const first = await http.act(b.id, staff.expert(1), 'record_review', { score: 80 }, headers);
  expect([first.status, first.body.stage, first.body.reviewCount]).toEqual([200, 'expert_review', 1]);
  expect((await eventsOf(b.id)).map((e) => e.type)).toEqual(['Submitted', 'ReviewRecorded']);
  const again = await http.act(b.id, staff.expert(1), 'record_review', { score: 80 }, headers);
  expect([again.status, again.body.stage, again.body.recommendation?.comment]).toEqual([200, 'expert_review', '推荐']);
  expect(again.body).toEqual(first.body);
});

test('a decision whose API died between the answer and the write is written by the sweep, from the history', async () => {
  const b = await submit(http);
  const commandId = `act-lost-${b.id}`;
  await sendBehindTheApi(b, recommend(commandId));
  // Noted after the answer (the sweep cannot tell the order), so that it cannot be swept before this reading.
  await stack.pool.query('INSERT INTO outstanding_decisions (base_id, update_id) VALUES ($1, $2)', [b.id, commandId]);
  expect((await eventsOf(b.id)).map((e) => e.type)).toEqual(['Submitted']);
  const events = await until('the lost decision written', () => eventsOf(b.id), (e) => e.length === 2, 60_000);
  expect(events[1]).toEqual({ type: 'Recommended', command_id: commandId });
  expect(await outstanding(b.id)).toBe(0);
  expect((await http.get(`/api/bases/${b.id}`, staff.officer())).body.stage).toBe('expert_review');
  const trail = (await http.get(`/api/bases/${b.id}/history`, staff.admin())).body;
  const decisions = trail.entries.filter((e: { kind: string }) => e.kind === 'action' || e.kind === 'submitted');
  expect(decisions.map((e: { action: string }) => e.action)).toEqual(['submit', 'recommend']);
});

test('a resend under the same Idempotency-Key of a decision never written is answered with it and writes it once', async () => {
  const b = await submit(http);
  const key = 'recommend-after-a-lost-answer';
  await sendBehindTheApi(b, recommend(keyedCommandId(b, key)));
  expect((await eventsOf(b.id)).map((e) => e.type)).toEqual(['Submitted']);
  const r = await http.act(b.id, staff.district(), 'recommend', { comment: '推荐' }, { 'idempotency-key': key });
  expect(r.status).toBe(200);
  expect(r.body.stage).toBe('expert_review');
  expect((await eventsOf(b.id)).map((e) => e.type)).toEqual(['Submitted', 'Recommended']);
  await expectResendAnswered(b, 'recommend', { comment: '推荐' }, key, r, ['Submitted', 'Recommended']);
});

test('a decision that closed the base, perhaps not yet written: another decision hears 409 with the stage, and its resend is answered with it, once', async () => {
  const b = await submit(http);
  const key = 'decline-not-yet-written';
  const decline = { ...recommend(keyedCommandId(b, key)), type: 'decline', reason: '不符合优先领域' } as PersonCommand;
  await sendBehindTheApi(b, decline);
  // Refused by the closing run's rules, or from the table once the run has ended and written the
  // decline itself (generation 9): either way 409 with the stage.
  const other = await http.act(b.id, staff.district(), 'recommend', { comment: '推荐' });
  expect(other.body).toMatchObject({ status: 409, stage: 'rejected', detail: expect.stringContaining('rejected'), allowedActions: [] });
  const resend = await http.act(b.id, staff.district(), 'decline', { reason: '不符合优先领域' }, { 'idempotency-key': key });
  expect(resend.status).toBe(200);
  expect(resend.body.stage).toBe('rejected');
  expect(await eventsOf(b.id)).toEqual([expect.objectContaining({ type: 'Submitted' }), { type: 'Declined', command_id: decline.commandId }]);
  await expectResendAnswered(b, 'decline', { reason: '不符合优先领域' }, key, resend, ['Submitted', 'Declined']);
});

test('a decision taken, not yet written, when another closed the base: its resend under its key is answered with it, not 409', async () => {
  const b = await submit(http);
  const key = `recommend-before-withdrawal-${b.id}`;
  const commandId = keyedCommandId(b, key);
  // Its API recorded and sent it, and heard nothing back (503); the sweep has not come round yet.
  await recordOutstanding(stack.pool, b.id, commandId, fingerprintOf(key, parseAction({ type: 'recommend', comment: '推荐' }).data));
  await sendBehindTheApi(b, recommend(commandId));
  await step(http, b, b.token, 'withdraw', { reason: '合作调整' }, 'withdrawn');
  const resend = await http.act(b.id, staff.district(), 'recommend', { comment: '推荐' }, { 'idempotency-key': key });
  expect([resend.status, resend.body.stage]).toEqual([200, 'expert_review']);
  expect((await eventsOf(b.id)).map((e) => e.type).sort()).toEqual(['Recommended', 'Submitted', 'Withdrawn']);
  expect(await outstanding(b.id)).toBe(0);
  // Another decision under a new key is the stage's 409.
  expect((await http.act(b.id, staff.district(), 'recommend', { comment: '推荐' }, { 'idempotency-key': `${key}-2` })).body).toMatchObject({ status: 409, stage: 'withdrawn' });
});

test('an objection taken before publicity ended, its answer never written: the resend under its key is filed once, not refused', async () => {
  const b = await submit(http);
  await toPublicity(http, b);
  const key = 'objection-whose-answer-was-lost';
  const words = { name: '张三', contact: '13800000000', reason: '合作协议已过期' };
  // As the API names an objection from this address (the test's stack listens on 127.0.0.1).
  const addressHash = addressHashOf(TEST_SECRET, '127.0.0.1');
  const objectionId = idFor(key, 'objection', b.id, addressHash);
  const objector: Actor = { sub: `public-${addressHash}`, name: words.name, role: 'public' };
  const lost = { type: 'file_objection', objectionId, ...words, actor: objector, at: formatInstant(Date.now()), commandId: `objection-${objectionId}` };
  // Its API recorded the key and sent it, and heard nothing back (503); the sweep has not come round yet.
  await recordOutstanding(stack.pool, b.id, lost.commandId, fingerprintOf(key, objectionSchema.parse(words)));
  await sendBehindTheApi(b, lost as unknown as PersonCommand);
  // Publicity ends meanwhile: another objection, upheld, rejects the base; the read model leaves publicity.
  const other = await http.post(`/api/bases/${b.id}/objections`, { ...words, name: '李四' });
  expect(other.status).toBe(201);
  const upheld = await http.act(b.id, staff.officer(), 'rule_objection', { objectionId: other.body.id, upheld: true, reason: '异议属实' });
  expect(upheld.body.stage).toBe('rejected');
  const resend = await http.post(`/api/bases/${b.id}/objections`, words, undefined, { 'Idempotency-Key': key });
  expect([resend.status, resend.body]).toEqual([201, { id: objectionId }]);
  const filed = (await eventsOf(b.id)).filter((e) => e.type === 'ObjectionFiled');
  expect(filed.map((e) => e.command_id).sort()).toEqual([`objection-${objectionId}`, `objection-${other.body.id}`].sort());
  expect(await outstanding(b.id)).toBe(0);
  // A new objection is refused now that publicity has ended, keyed or not; so is one before it began.
  expect((await http.post(`/api/bases/${b.id}/objections`, words)).status).toBe(409);
  expect((await http.post(`/api/bases/${b.id}/objections`, words, undefined, { 'Idempotency-Key': 'another' })).body).toMatchObject({ status: 409, stage: 'rejected' });
  const early = await submit(http);
  expect((await http.post(`/api/bases/${early.id}/objections`, words, undefined, { 'Idempotency-Key': key })).body).toMatchObject({ status: 409, stage: 'district_review' });
  expect((await eventsOf(early.id)).map((e) => e.type)).toEqual(['Submitted']);
});

test('a send the workflow refused leaves the row and the key of another send of the same request, which the workflow then took: the sweep writes that one', async () => {
  const b = await submit(http);
  await step(http, b, staff.district(), 'return', { reason: '材料不全' }, 'returned');
  const key = `recommend-raced-${b.id}`;
  const body = { type: 'recommend', comment: '推荐' };
  const commandId = `act-${idFor(key, 'act', b.id, district.sub)}`;
  // Another API has recorded this very request and is about to send it.
  await recordOutstanding(stack.pool, b.id, commandId, fingerprintOf(key, parseAction(body).data));
  // This send reaches the workflow while the base is returned: refused.
  const refused = await http.act(b.id, staff.district(), 'recommend', { comment: '推荐' }, { 'idempotency-key': key });
  expect([refused.status, refused.body.stage]).toEqual([409, 'returned']);
  // The base moves on, and the other send is taken; its API dies before writing the answer.
  await step(http, b, b.token, 'resubmit', { application: b.app }, 'district_review');
  await sendBehindTheApi(b, { ...recommend(commandId), comment: '推荐' } as PersonCommand);
  const written = await until('the taken send written by the sweep', () => eventsOf(b.id), (e) => e.some((x) => x.command_id === commandId), 30_000);
  expect(written.map((e) => e.type)).toEqual(['Submitted', 'Returned', 'Resubmitted', 'Recommended']);
  expect(await until('nothing left outstanding', () => outstanding(b.id), (n) => n === 0)).toBe(0);
});

test('an outstanding decision the workflow refused is dropped by the sweep once it gives up, writing nothing', async () => {
  const b = await submit(http);
  const commandId = `act-refused-${b.id}`;
  const inserted = await stack.pool.query('INSERT INTO outstanding_decisions (base_id, update_id) VALUES ($1, $2) RETURNING sent_at', [b.id, commandId]);
  // The sweep measures the give-up from sent_at on the same machine's clock as this test's.
  const giveUpAt = (inserted.rows[0].sent_at as Date).getTime() + GIVE_UP_MS;
  // The validator refuses it: a refusal leaves nothing in the history to find.
  const rate = { ...recommend(commandId), type: 'rate', rating: 'excellent' } as PersonCommand;
  await expect(sendBehindTheApi(b, rate)).rejects.toThrow(WorkflowUpdateFailedError);
  // Each reading keeps when it was answered: only then can it be placed before or after the give-up.
  const readings: { present: boolean; claimed: boolean; answeredAt: number }[] = [];
  const read = async () => {
    const { rows } = await stack.pool.query('SELECT checked_at FROM outstanding_decisions WHERE base_id = $1 AND update_id = $2', [b.id, commandId]);
    const reading = { present: rows.length === 1, claimed: rows[0]?.checked_at != null, answeredAt: Date.now() };
    readings.push(reading);
    return reading;
  };
  const gone = await until('the refused decision dropped', read, (r) => !r.present, 30_000);
  // Not dropped early: the first reading without the row came after the give-up moment...
  expect(gone.answeredAt).toBeGreaterThan(giveUpAt);
  // ...and before that moment the sweep had already taken the row up as stale and left it waiting.
  expect(readings.some((r) => r.present && r.claimed && r.answeredAt < giveUpAt)).toBe(true);
  expect((await eventsOf(b.id)).map((e) => e.type)).toEqual(['Submitted']);
});

test('a keyed request whose API died before sending it holds its key only until the sweep gives up: then a corrected body under the key is taken', async () => {
  const b = await submit(http);
  const key = `recommend-never-sent-${b.id}`;
  const commandId = keyedCommandId(b, key);
  const fingerprint = (body: object) => fingerprintOf(key, parseAction(body).data);
  const sentAt = async () => (await stack.pool.query('SELECT sent_at, checked_at FROM outstanding_decisions WHERE base_id = $1 AND update_id = $2', [b.id, commandId])).rows[0];
  await recordOutstanding(stack.pool, b.id, commandId, fingerprint({ type: 'recommend', comment: '推荐' }));
  const claimed = await until('the row taken up by the sweep', sentAt, (r) => r?.checked_at != null, 30_000);
  // Another send of the same request joins it: the give-up is counted from this send, looked at afresh.
  await recordOutstanding(stack.pool, b.id, commandId, fingerprint({ type: 'recommend', comment: '推荐' }));
  const joined = await sentAt();
  expect(joined.checked_at).toBeNull();
  expect((joined.sent_at as Date).getTime()).toBeGreaterThan((claimed.sent_at as Date).getTime());
  // Neither send reached Temporal. While the row stands, a different body under the key is refused.
  const corrected = { comment: '经复核推荐' };
  expect((await http.act(b.id, staff.district(), 'recommend', corrected, { 'idempotency-key': key })).status).toBe(422);
  await until('the row given up', () => outstanding(b.id), (n) => n === 0, GIVE_UP_MS + 30_000);
  const taken = await http.act(b.id, staff.district(), 'recommend', corrected, { 'idempotency-key': key });
  expect([taken.status, taken.body.stage]).toEqual([200, 'expert_review']);
  const recommended = await stack.pool.query("SELECT payload->>'comment' AS comment FROM base_events WHERE base_id = $1 AND type = 'Recommended'", [b.id]);
  expect(recommended.rows).toEqual([{ comment: corrected.comment }]);
});

test('refused sends, resends and the sweep giving up on one keyed request, all at once, never deadlock on its row and key', async () => {
  const b = await submit(http);
  const fingerprint = fingerprintOf('deadlock', parseAction({ type: 'recommend', comment: '推荐' }).data);
  const failures: unknown[] = [];
  for (let round = 0; round < 100; round += 1) {
    const updateId = `act-deadlock-${round}-${b.id}`;
    const { keyMark } = await recordOutstanding(stack.pool, b.id, updateId, fingerprint);
    const row = (await readOutstanding(stack.pool, b.id, updateId))!;
    const racers = [
      dropRefused(stack.pool, b.id, updateId, keyMark),
      recordOutstanding(stack.pool, b.id, updateId, fingerprint),
      abandonOutstanding(stack.pool, row),
      dropRefused(stack.pool, b.id, updateId, keyMark),
      recordOutstanding(stack.pool, b.id, updateId, fingerprint),
    ];
    for (const r of await Promise.allSettled(racers)) if (r.status === 'rejected') failures.push(String(r.reason));
  }
  expect(failures).toEqual([]);
  await stack.pool.query("DELETE FROM outstanding_decisions WHERE base_id = $1 AND update_id LIKE 'act-deadlock-%'", [b.id]);
});

test('the sweep gives up on a row only as it took it up: not once another send has joined it, under any DateStyle and TimeZone', async () => {
  const b = await submit(http);
  const updateId = keyedCommandId(b, 'joined-after-claim');
  const fingerprint = fingerprintOf('joined-after-claim', parseAction({ type: 'recommend', comment: '推荐' }).data);
  // A connection that prints timestamps unlike the one that compares them: the mark must not depend on either.
  const elsewhere = new Pool({ connectionString: stack.databaseUrl, max: 1, options: '-c DateStyle=SQL,DMY -c TimeZone=Asia/Shanghai' });
  try {
    await recordOutstanding(stack.pool, b.id, updateId, fingerprint);
    const taken = (await readOutstanding(elsewhere, b.id, updateId))!;
    await recordOutstanding(stack.pool, b.id, updateId, fingerprint);
    expect(await abandonOutstanding(stack.pool, taken)).toBe(false);
    const keys = async () => (await stack.pool.query('SELECT count(*)::int AS n FROM request_keys WHERE base_id = $1 AND update_id = $2', [b.id, updateId])).rows[0].n;
    expect([await outstanding(b.id), await keys()]).toEqual([1, 1]);
    expect(await abandonOutstanding(stack.pool, (await readOutstanding(elsewhere, b.id, updateId))!)).toBe(true);
    expect([await outstanding(b.id), await keys()]).toEqual([0, 0]);
  } finally {
    await elsewhere.end();
  }
});

test('a refusal heard late takes nothing from a key made again since, and the sweep never gives back a submission\'s key once its base is made', async () => {
  const b = await submit(http);
  const updateId = keyedCommandId(b, 'made-again');
  const fingerprint = fingerprintOf('made-again', parseAction({ type: 'recommend', comment: '推荐' }).data);
  const first = await recordOutstanding(stack.pool, b.id, updateId, fingerprint);
  expect(await abandonOutstanding(stack.pool, (await readOutstanding(stack.pool, b.id, updateId))!)).toBe(true);
  const again = await recordOutstanding(stack.pool, b.id, updateId, fingerprint);
  expect(again.keyMark).not.toBe(first.keyMark);
  await dropRefused(stack.pool, b.id, updateId, first.keyMark);
  expect(await readOutstanding(stack.pool, b.id, updateId)).toMatchObject({ updateId });
  await dropRefused(stack.pool, b.id, updateId, again.keyMark);
  expect(await readOutstanding(stack.pool, b.id, updateId)).toBeUndefined();

  const made = await submitKeyed(http, 'submission-abandoned');
  const ready = (await stack.pool.query('SELECT update_id FROM request_keys WHERE base_id = $1', [made.id])).rows.map((r) => r.update_id);
  expect(ready).toEqual([expect.stringMatching(/^ready-submit-/)]);
  await stack.pool.query('INSERT INTO outstanding_decisions (base_id, update_id) VALUES ($1, $2)', [made.id, ready[0]]);
  expect(await abandonOutstanding(stack.pool, (await readOutstanding(stack.pool, made.id, ready[0]))!)).toBe(true);
  const other = await http.post('/api/bases', { ...made.app, cooperationSummary: '联合研发新型储能材料。' }, made.token, made.headers);
  expect([other.status, other.body.type]).toEqual([422, 'urn:zz-coop-bases:problem:idempotency-key-reused']);
});

test('PostgreSQL lost after Temporal answered: 503 "applied unknown", then written once by the sweep, and a resend answers it', async () => {
  const pg = new URL(process.env.TEST_PG_SERVER_URL!);
  const proxy = await startTcpProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
  const cut = await startStack('outstanding-pg', {
    env: { REQUEST_TIMEOUT_MS: '6000', OUTSTANDING_SWEEP_MS: '300' },
    databaseUrlFor: (url) => proxy.urlThrough(url),
  });
  try {
    const h = client(cut.url);
    const b = await submit(h);
    const rows = async () => (await cut.pool.query('SELECT type FROM base_events WHERE base_id = $1 ORDER BY seq', [b.id])).rows.map((r) => r.type);
    // The worker frozen, the decision waits in Temporal after the API has read the base and noted it outstanding.
    const worker = cut.worker.process;
    worker.kill('SIGSTOP');
    const key = { 'idempotency-key': 'recommend-while-postgres-goes' };
    const answer = h.act(b.id, staff.district(), 'recommend', { comment: '推荐' }, key);
    const noted = () => cut.pool.query('SELECT 1 FROM outstanding_decisions WHERE base_id = $1', [b.id]).then((q) => q.rowCount ?? 0);
    await until('the decision noted outstanding', noted, (n) => n === 1, 10_000);
    proxy.cut('reset');
    worker.kill('SIGCONT');
    const r = await answer;
    // Temporal answered (the decision is in the history); the write is what failed.
    expect([r.status, r.body.applied, r.body.detail]).toEqual([503, 'unknown', expect.stringMatching(/^PostgreSQL did not answer/)]);
    expect(await rows()).toEqual(['Submitted']);
    proxy.restore();
    expect(await until('written by the sweep', rows, (t) => t.length === 2, 60_000)).toEqual(['Submitted', 'Recommended']);
    const again = await h.act(b.id, staff.district(), 'recommend', { comment: '推荐' }, key);
    expect([again.status, again.body.stage]).toEqual([200, 'expert_review']);
    expect(await rows()).toEqual(['Submitted', 'Recommended']);
    expect(Number((await cut.pool.query('SELECT count(*) AS n FROM outstanding_decisions')).rows[0].n)).toBe(0);
  } finally {
    cut.worker.process.kill('SIGCONT');
    proxy.restore();
    await cut.stop();
    await proxy.close();
  }
});

test('a decision at a number the event log holds from another (a run reset) is 500 event-log-conflict, owed to nobody, and the base goes on', async () => {
  const b = await submit(http);
  // What a reset leaves: the log already holds the base's next number, from a decision undone in Temporal.
  await stack.pool.query(
    `INSERT INTO base_events (base_id, seq, type, at, actor, command_id, from_stage, to_stage, policy_version, payload, workflow_id, run_id)
     VALUES ($1, 2, 'Recommended', now(), '{}', 'undone-by-reset', 'district_review', 'expert_review', '2021', '{}', $2, 'r0')`,
    [b.id, `base-${b.id}`],
  );
  const taken = await http.act(b.id, staff.district(), 'recommend', { comment: '推荐' });
  expect([taken.status, taken.body.type, taken.body.applied, taken.body.recorded]).toEqual([500, 'urn:zz-coop-bases:problem:event-log-conflict', true, false]);
  expect(taken.body.detail).toMatch(/holds event 2 from command undone-by-reset/);
  expect(await outstanding(b.id)).toBe(0);
  // The next decision has a number of its own, and is written.
  expect((await http.act(b.id, staff.expert(), 'record_review', { score: 80 })).status).toBe(200);
  expect((await eventsOf(b.id)).map((e) => e.command_id.startsWith('undone') ? e.command_id : e.type)).toEqual(['Submitted', 'undone-by-reset', 'ReviewRecorded']);
});
