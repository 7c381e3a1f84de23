import { Client, WorkflowUpdateStage } from '@temporalio/client';
import { idFor } from '../../api/idempotency';
import { formatInstant, PersonCommand } from '../../domain';
import { workflowIdOf } from '../../workflows/ids';
import { actUpdate } from '../../workflows/messages';
import { client, HttpClient, Reply, staff } from '../support/http';
import { step, submit, submitKeyed, TestBase } from '../support/journeys';
import { until } from '../support/poll';
import { loggedLines, startStack, Stack } from '../support/stack';
import { refuseInserts } from '../support/refusals';
import { temporalClient, updateBehindTheApi } from '../support/temporal';

// Decisions applied and never written, in the rarer circumstances: a base continued as new before
// the resend arrived, and a row the sweep can never finish claimed ahead of one it can.
jest.setTimeout(180_000);
let stack: Stack;
let http: HttpClient;
let temporal: Client;
beforeAll(async () => {
  // Runs continue as new after 20 events; a decision is outstanding after 2 × 2 s, and the sweep
  // looks every 300 ms, giving up after 3 s on a decision Temporal has no trace of. At `info` the
  // API's log shows an update sent again.
  stack = await startStack('outstanding-edges', {
    env: { CONTINUE_AS_NEW_AFTER_EVENTS: '20', REQUEST_TIMEOUT_MS: '2000', OUTSTANDING_SWEEP_MS: '300', OUTSTANDING_GIVE_UP_MS: '3000', LOG_LEVEL: 'info' },
  });
  http = client(stack.url);
  temporal = await temporalClient();
});
afterAll(async () => {
  await temporal?.connection.close();
  await stack?.stop();
});

/**
 * A decision sent as a client does after a 503: under its key, again, until it is answered. This
 * stack's 2 s deadline can run out on a loaded machine while a run closes and the next one starts.
 */
async function decided(b: TestBase, token: string, type: string, extra: object, key: string): Promise<Reply> {
  return until(`${type} answered`, () => http.act(b.id, token, type, extra, { 'idempotency-key': `${key}-${b.id}` }), (r) => r.status !== 503, 60_000, 300);
}

const district = { sub: 'district-410105', name: '区县科技局经办人', role: 'district_officer', district: '410105' } as const;
const sendBehindTheApi = (b: TestBase, commandId: string) => updateBehindTheApi(temporal, b.id, { type: 'recommend', comment: '推荐', actor: district, commandId });
const eventsOf = async (baseId: string) => (await stack.pool.query('SELECT type FROM base_events WHERE base_id = $1 ORDER BY seq', [baseId])).rows.map((r) => r.type);
const owed = async (baseId: string) => (await stack.pool.query('SELECT count(*)::int AS n FROM outstanding_decisions WHERE base_id = $1', [baseId])).rows[0].n;

test('a resend of a decision never written, after the base continued as new, is answered and written from the run that made it', async () => {
  const b = await submit(http);
  const key = 'recommend-then-continued';
  const commandId = `act-${idFor(key, 'act', b.id, district.sub)}`;
  const handle = temporal.workflow.getHandle(workflowIdOf(b.id));
  // The API that sent it died before writing the answer.
  await sendBehindTheApi(b, commandId);
  const firstRun = (await handle.describe()).runId;

  // Reviews go on through the API until the base's run continues as new.
  let expert = 0;
  while ((await handle.describe()).runId === firstRun) {
    expect(++expert).toBeLessThan(10);
    const r = await decided(b, staff.expert(expert), 'record_review', { score: 80 }, `review-${expert}`);
    expect(r.status).toBe(200);
  }

  const resend = await http.act(b.id, staff.district(), 'recommend', { comment: '推荐' }, { 'idempotency-key': key });
  // As the recommendation left the base: none of the reviews after it.
  expect([resend.status, resend.body.stage, resend.body.reviewCount]).toEqual([200, 'expert_review', 0]);
  const events = (await stack.pool.query('SELECT type, command_id FROM base_events WHERE base_id = $1 ORDER BY seq', [b.id])).rows;
  expect(events.filter((e) => e.type === 'Recommended')).toEqual([{ type: 'Recommended', command_id: commandId }]);
  expect(events.filter((e) => e.type === 'ReviewRecorded')).toHaveLength(expert);
  expect(await owed(b.id)).toBe(0);
});

test('decisions a run answered that no API wrote, nothing owed for them, are written by the run before it continues as new, and before it ends', async () => {
  const b = await submit(http);
  const handle = temporal.workflow.getHandle(workflowIdOf(b.id));
  const firstRun = (await handle.describe()).runId;
  // Every API that sent these died before writing (or even noting) them: only the history has them.
  const behind = async (commandId: string, body: Record<string, unknown>, actor: Record<string, string>) =>
    (await updateBehindTheApi(temporal, b.id, { ...body, actor, commandId })) as { runId: string; records: { seq: number }[] };

  const answers = [await behind(`lost-recommend-${b.id}`, { type: 'recommend', comment: '推荐' }, district)];
  for (let n = 1; (await handle.describe()).runId === firstRun; n++) {
    expect(n).toBeLessThan(12);
    answers.push(await behind(`lost-review-${b.id}-${n}`, { type: 'record_review', score: 80 }, { sub: `expert-${n}`, name: `专家${n}`, role: 'expert' }));
  }
  const seqsOf = (list: typeof answers) => list.flatMap((a) => a.records.map((r) => r.seq));
  const byFirst = seqsOf(answers.filter((a) => a.runId === firstRun));
  const byNext = seqsOf(answers.filter((a) => a.runId !== firstRun));
  const stored = async () => (await stack.pool.query('SELECT seq FROM base_events WHERE base_id = $1 ORDER BY seq', [b.id])).rows.map((r) => r.seq as number);
  expect(await stored()).toEqual([1, ...byFirst]);
  expect(await owed(b.id)).toBe(0);

  // The base ends by its applicant's withdrawal, sent behind the API too: the last run writes what it answered before it ends.
  const applicant = { sub: `app-${b.app.applicant.creditCode}`, name: '申报单位', role: 'applicant', org: b.app.applicant.creditCode };
  const withdrawn = await behind(`lost-withdraw-${b.id}`, { type: 'withdraw', reason: '合作调整' }, applicant);
  await until('the base ended', async () => (await handle.describe()).status.name, (s) => s === 'COMPLETED', 20_000);
  expect(await stored()).toEqual([1, ...byFirst, ...byNext, ...seqsOf([withdrawn])]);
  expect((await http.get(`/api/bases/${b.id}`, staff.officer())).body.stage).toBe('withdrawn');
});

test('a row the sweep cannot finish does not hold back the rows claimed after it', async () => {
  // A base whose events PostgreSQL refuses for good, its lost decision noted a minute earlier, so
  // that every round claims it first.
  const poisoned = await submit(http);
  const allow = await refuseInserts(stack.pool, 'base_events', poisoned.id);
  try {
    await stack.pool.query("INSERT INTO outstanding_decisions (base_id, update_id, sent_at) VALUES ($1, $2, now() - interval '1 minute')", [poisoned.id, `act-lost-${poisoned.id}`]);
    await sendBehindTheApi(poisoned, `act-lost-${poisoned.id}`);
    const b = await submit(http);
    await stack.pool.query('INSERT INTO outstanding_decisions (base_id, update_id) VALUES ($1, $2)', [b.id, `act-lost-${b.id}`]);
    await sendBehindTheApi(b, `act-lost-${b.id}`);
    const written = await until('the lost decision written past the poisoned row', () => eventsOf(b.id), (e) => e.includes('Recommended'), 60_000);
    expect(written).toEqual(['Submitted', 'Recommended']);
    expect(await owed(b.id)).toBe(0);
    expect([await eventsOf(poisoned.id), await owed(poisoned.id)]).toEqual([['Submitted'], 1]);
    const failure = (lines: string[]) => lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'outstanding decision not finished; the next round retries it');
    const lines = await until('the unfinished row logged', async () => loggedLines(stack, 'api'), (l) => failure(l) !== undefined, 10_000);
    expect(failure(lines)).toMatchObject({ level: 'warn', baseId: poisoned.id, error: expect.stringContaining('refused for the test') });
  } finally {
    await allow();
  }
});

test('a decision applied whose write PostgreSQL refuses is answered 503 "applied unknown", kept, and written by a resend once it can be', async () => {
  const b = await submit(http);
  const allow = await refuseInserts(stack.pool, 'base_events', b.id);
  const key = { 'idempotency-key': `refused-write-${b.id}` };
  try {
    const refused = await http.act(b.id, staff.district(), 'recommend', { comment: '推荐' }, key);
    expect([refused.status, refused.body.applied, refused.headers.get('retry-after')]).toEqual([503, 'unknown', expect.stringMatching(/^\d+$/)]);
    expect([await eventsOf(b.id), await owed(b.id)]).toEqual([['Submitted'], 1]);
  } finally {
    await allow();
  }
  const again = await http.act(b.id, staff.district(), 'recommend', { comment: '推荐' }, key);
  expect([again.status, again.body.stage]).toEqual([200, 'expert_review']);
  expect([await eventsOf(b.id), await owed(b.id)]).toEqual([['Submitted', 'Recommended'], 0]);
});

test('a decision accepted and not yet answered (its handler waits for an earlier write) is waited for, then written', async () => {
  const b = await submit(http);
  const handle = temporal.workflow.getHandle(workflowIdOf(b.id));
  // The worker's write of an operator's decision waits behind a lock on the base's row.
  const locker = await stack.pool.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM bases WHERE id = $1 FOR UPDATE', [b.id]);
    await handle.signal('act', { type: 'recommend', comment: '经电话确认', actor: { ...district, sub: 'ops-1' } });
    const updateId = `act-waiting-${b.id}`;
    await stack.pool.query("INSERT INTO outstanding_decisions (base_id, update_id, sent_at) VALUES ($1, $2, now() - interval '1 minute')", [b.id, updateId]);
    const review = { type: 'record_review', score: 80, actor: { sub: 'expert-9', name: '专家9', role: 'expert' }, at: formatInstant(Date.now()), commandId: updateId } as PersonCommand;
    await handle.startUpdate(actUpdate, { args: [review], updateId, waitForStage: WorkflowUpdateStage.ACCEPTED });
    // Past the give-up time, looked at round after round, and kept.
    await until('the sweep looking at it', async () => (await stack.pool.query('SELECT checked_at FROM outstanding_decisions WHERE base_id = $1', [b.id])).rows[0]?.checked_at, (at) => !!at, 10_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await owed(b.id)).toBe(1);
  } finally {
    await locker.query('ROLLBACK');
    locker.release();
  }
  const written = await until('both decisions written', () => eventsOf(b.id), (e) => e.includes('ReviewRecorded'), 60_000);
  expect(written).toEqual(['Submitted', 'Recommended', 'ReviewRecorded']);
  expect(await until('the row settled', () => owed(b.id), (n) => n === 0)).toBe(0);
});

test('decisions that arrive while the run waits for a write before continuing as new are answered (by the run that follows), written and carried', async () => {
  const b = await submit(http);
  await step(http, b, staff.district(), 'recommend', {}, 'expert_review');
  const handle = temporal.workflow.getHandle(workflowIdOf(b.id));
  const firstRun = (await handle.describe()).runId;
  const opsExpert = (n: number) => ({ sub: `ops-expert-${n}`, name: `专家${n}`, role: 'expert' });
  const taskDone = () => until('the signal taken', async () => (await handle.describe()).raw.pendingWorkflowTask, (t) => !t, 10_000);
  let signalled = 0;
  let review: ReturnType<typeof http.act>;
  // Keyed, so that a send the short deadline (2 s) gave up on under load is settled by sending it again.
  const key = { 'idempotency-key': `review-while-closing-${b.id}` };
  // Operators' reviews, whose writes wait behind a lock on the base's row, until the run is due
  // to continue as new (20 events) and waits for those writes to land first.
  const locker = await stack.pool.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM bases WHERE id = $1 FOR UPDATE', [b.id]);
    while ((await handle.describe()).historyLength < 24) {
      expect(++signalled).toBeLessThan(10);
      await handle.signal('act', { type: 'record_review', score: 70, actor: opsExpert(signalled) });
      await taskDone();
    }
    expect((await handle.describe()).runId).toBe(firstRun);
    // Meanwhile one more operator's review, and an expert's through the API, which the closing run
    // turns away (RunClosing) and the API sends again until the run that follows takes it.
    await handle.signal('act', { type: 'record_review', score: 75, actor: opsExpert(++signalled) });
    review = http.act(b.id, staff.expert(1), 'record_review', { score: 80 }, key);
    await until('the review on its way', () => owed(b.id), (n) => n === 1, 10_000);
    await taskDone();
    const resent = (lines: string[]) => lines.some((l) => l.includes('the update is sent again') && l.includes(workflowIdOf(b.id)));
    await until('the review turned away by the closing run', async () => loggedLines(stack, 'api'), resent, 10_000);
  } finally {
    await locker.query('ROLLBACK');
    locker.release();
  }
  const first = await review;
  const answered = first.status === 503 ? await until('the review answered', () => http.act(b.id, staff.expert(1), 'record_review', { score: 80 }, key), (r) => r.status !== 503, 30_000, 500) : first;
  expect([answered.status, answered.body.reviewCount]).toEqual([200, signalled + 1]);
  const reviews = await until('every review written', () => eventsOf(b.id), (e) => e.filter((t) => t === 'ReviewRecorded').length >= signalled + 1, 10_000);
  expect(reviews.filter((t) => t === 'ReviewRecorded')).toHaveLength(signalled + 1);
  await until('the run continued as new', async () => (await handle.describe()).runId, (id) => id !== firstRun, 10_000);
  const view = await http.get(`/api/bases/${b.id}`, staff.officer());
  expect([view.body.stage, view.body.reviewCount]).toEqual(['expert_review', signalled + 1]);
  expect(await owed(b.id)).toBe(0);
});

test('a submission resent after its base continued as new and closed, the closing write not landed, keeps its key', async () => {
  const b = await submitKeyed(http, 'submit-continued');
  const { app, token, headers } = b;
  const handle = temporal.workflow.getHandle(workflowIdOf(b.id));
  const firstRun = (await handle.describe()).runId;
  let expert = 0;
  await step(http, b, staff.district(), 'recommend', {}, 'expert_review');
  while ((await handle.describe()).runId === firstRun) {
    expect(++expert).toBeLessThan(10);
    expect((await decided(b, staff.expert(expert), 'record_review', { score: 80 }, `review-${expert}`)).body.stage).toBe('expert_review');
  }
  expect((await decided(b, token, 'withdraw', { reason: '合作调整' }, 'withdraw')).body.stage).toBe('withdrawn');
  // The read model as it stands when the withdrawal's write has not landed (its API died in between):
  // the latest run is closed and knows nothing of the submission's update, so the start is refused.
  await stack.pool.query(`UPDATE bases SET stage = 'expert_review' WHERE id = $1`, [b.id]);
  const again = await http.post('/api/bases', app, token, headers);
  expect([again.status, again.body.id]).toEqual([201, b.id]);
  const changed = { ...app, field: '生物医药' };
  const reused = await http.post('/api/bases', changed, token, headers);
  expect([reused.status, reused.body.type]).toEqual([422, 'urn:zz-coop-bases:problem:idempotency-key-reused']);
});
