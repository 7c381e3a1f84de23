import { Client } from '@temporalio/client';
import { isNotFound } from '../../api/dependency-errors';
import { formatInstant, PersonCommand, shanghaiDate, YearSchedule, yearOf } from '../../domain';
import { actUpdate } from '../../workflows/messages';
import { windowFromCalendar } from '../../store/calendar';
import { client, HttpClient, INDICATORS, staff, thisYear } from '../support/http';
import { rate, step, submit, toCertified } from '../support/journeys';
import { until } from '../support/poll';
import { startStack, Stack } from '../support/stack';
import { atRest, EventType, runsOf, temporalClient, countEvents } from '../support/temporal';

// Continue-as-new after 20 history events, so a base's life spans several runs.
jest.setTimeout(240_000);
let stack: Stack;
let http: HttpClient;
let temporal: Client;
beforeAll(async () => {
  stack = await startStack('audit', { timeScale: 5_000_000, env: { CONTINUE_AS_NEW_AFTER_EVENTS: '20' } });
  http = client(stack.url);
  temporal = await temporalClient();
});
afterAll(async () => {
  await temporal?.connection.close();
  await stack?.stop();
});

const trail = async (id: string) => (await http.get(`/api/bases/${id}/history`, staff.admin())).body;
const decisions = (t: any) => t.entries.filter((e: any) => e.kind === 'action' || e.kind === 'submitted');

/** A life long enough to span three runs or more at this suite's threshold. */
async function acrossRuns() {
  const b = await submit(http);
  await toCertified(http, b);
  await step(http, b, b.token, 'submit_annual_report', { year: thisYear(), indicators: INDICATORS }, 'certified');
  await rate(http, b, 'qualified');
  await atRest(temporal, b.id);
  return b;
}

test('a life spanning several runs reads as one unbroken trail', async () => {
  const b = await acrossRuns();
  const runs = await runsOf(temporal, b.id);
  expect(runs.length).toBeGreaterThanOrEqual(3);
  const t = await trail(b.id);
  expect(t.runs.map((r: any) => r.runId)).toEqual(runs.map((r) => r.runId));
  expect(t.runs.every((r: any) => r.source === 'temporal')).toBe(true);
  // Every run but the last has closed by continuing as new; all its times in Beijing time, as the entries' are.
  expect(t.runs.flatMap((r: any) => [r.startedAt, r.closedAt]).filter(Boolean)).toEqual(Array(2 * runs.length - 1).fill(expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+\+08:00$/)));
  const seqs = t.entries.filter((e: any) => e.kind === 'persisted').flatMap((e: any) => e.detail.seqs);
  const view = (await http.get(`/api/bases/${b.id}`, staff.officer())).body;
  expect(seqs).toEqual(Array.from({ length: view.version }, (_, i) => i + 1));
  expect(decisions(t).map((e: any) => e.action)).toEqual([
    'submit', 'recommend', 'record_review', 'record_review', 'conclude_review', 'approve_candidate',
    'submit_annual_report', 'start_evaluation', 'submit_evaluation_report', 'rate',
  ]);
  expect(t.entries.filter((e: any) => e.kind === 'timer').map((e: any) => e.action)).toEqual(['close_publicity']);
  expect(decisions(t)[1]).toMatchObject({ actor: { name: '区县科技局经办人', role: 'district_officer' }, from: 'district_review', to: 'expert_review', label: { zh: '区县推荐' } });
  // What was submitted, document by document: a resubmission replaces them in the base, not here.
  expect(decisions(t)[0].detail.materials).toEqual(b.app.materials.map((m: any) => ({ kind: m.kind, name: m.name, sha256: m.sha256 })));
});

test('with the closed runs deleted by retention, the trail is the same, read from the event log', async () => {
  const b = await acrossRuns();
  const before = await trail(b.id);
  const runs = await runsOf(temporal, b.id);
  const closed = runs.slice(0, -1);
  expect(closed.length).toBeGreaterThanOrEqual(2);
  for (const r of closed) {
    await temporal.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: `base-${b.id}`, runId: r.runId } });
  }
  // The server deletes asynchronously (about 20 s a run on the dev server).
  await until('the closed runs deleted', async () => (await Promise.all(closed.map((r) => isGone(b.id, r.runId)))).every(Boolean), Boolean, 150_000, 250);
  const after = await trail(b.id);
  sentByTheApi(before.entries);
  // Byte for byte: an export kept before retention and one made after it are the same file.
  expect(JSON.stringify(withoutIdentity(after.entries))).toBe(JSON.stringify(withoutIdentity(before.entries)));
  expect(after.runs.filter((r: any) => r.source === 'event_log').map((r: any) => r.runId)).toEqual(closed.map((r) => r.runId));
});

test('the trail holds exactly the accepted decisions: none refused, none twice', async () => {
  const b = await submit(http);
  const district = staff.district();
  const other = staff.district('410102');
  const key = { 'Idempotency-Key': `rec-${b.id}` };
  const sent = [
    await http.act(b.id, staff.expert(), 'record_review', { score: 80 }), // the right role, too early → 409
    await http.act(b.id, other, 'recommend', {}), // wrong district → 403
    await http.act(b.id, district, 'decline', {}), // no reason → 422
    await http.act(b.id, district, 'recommend', { comment: '推荐' }, key), // accepted
    await http.act(b.id, district, 'recommend', { comment: '推荐' }, key), // retried: answered again, applied once
    await http.act(b.id, district, 'recommend', { comment: '再次' }), // wrong stage now → 409
    await http.act(b.id, staff.expert(1), 'record_review', { score: 88 }), // accepted
    await http.act(b.id, staff.expert(1), 'record_review', { score: 90 }), // the same expert again → 409
    await http.act(b.id, staff.expert(2), 'record_review', { score: 101 }), // out of range → 422
  ];
  expect(sent.map((r) => r.status)).toEqual([409, 403, 422, 200, 200, 409, 200, 409, 422]);
  expect(sent[4].body).toEqual(sent[3].body);
  const t = await trail(b.id);
  expect(decisions(t).map((e: any) => [e.action, e.actor.sub])).toEqual([
    ['submit', `app-${b.app.applicant.creditCode}`],
    ['recommend', 'district-410105'],
    ['record_review', 'expert-1'],
  ]);
  const runs = await runsOf(temporal, b.id);
  expect(countEvents(runs, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).toBe(1 + 2); // ready + the two accepted
  const rows = await stack.pool.query('SELECT count(*)::int AS n FROM base_events WHERE base_id = $1', [b.id]);
  expect(rows.rows[0].n).toBe(3);
});

test("a new base's history holds no patch markers, and its window's close and the certification are persisted by one activity (each closing run only checks)", async () => {
  const b = await submit(http);
  await toCertified(http, b);
  await atRest(temporal, b.id);
  const runs = await runsOf(temporal, b.id);
  const markers = runs.flatMap((r) => r.events).map((e) => e.markerRecordedEventAttributes?.markerName).filter(Boolean);
  expect(markers).not.toContain('core_patch');
  const scheduled = runs.flatMap((r) => r.events).filter((e) => Number(e.eventType) === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
  const activities = scheduled.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
  // Each run that continued as new checked once that the API had written what it answered, and had nothing to write.
  expect(runs.length).toBeGreaterThan(1);
  expect(activities.sort()).toEqual(['persistDecision', ...Array(runs.length - 1).fill('unwrittenSeqs')]);
  const rows = await stack.pool.query('SELECT type, seq FROM base_events WHERE base_id = $1 ORDER BY seq', [b.id]);
  const types = rows.rows.map((r) => r.type);
  expect(types.slice(-2)).toEqual(['PublicityClosed', 'Certified']);
  expect(rows.rows.map((r) => r.seq)).toEqual(rows.rows.map((_, i) => i + 1));
});

test("an approval carries the holiday schedule its window is computed from, in the history; only the notice number is looked up inside a decision", async () => {
  const b = await submit(http);
  await toCertified(http, b);
  const runs = await runsOf(temporal, b.id);
  const events = runs.flatMap((r) => r.events);
  const approval = events
    .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads?.[0])
    .filter((p) => p?.data)
    .map((p) => JSON.parse(Buffer.from(p!.data!).toString()))
    .find((cmd) => cmd.type === 'approve_candidate');
  const openedOn = shanghaiDate(approval.at);
  expect(approval.calendar.map((y: YearSchedule) => y.year)).toContain(yearOf(openedOn));
  const lookups = events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
  expect(lookups).toHaveLength(1); // the certification's notice number
  const scheduled = await stack.pool.query(`SELECT payload FROM base_events WHERE base_id = $1 AND type = 'PublicityScheduled'`, [b.id]);
  const expected = await windowFromCalendar(stack.pool, openedOn, 5);
  expect(scheduled.rows[0].payload).toMatchObject({ firstDay: (expected as any).firstDay, lastDay: (expected as any).lastDay, endsAt: (expected as any).endsAt });
});

test('a letter is shown as it was written, even where today\'s template would word it otherwise', async () => {
  const b = await submit(http);
  await step(http, b, staff.district(), 'recommend', { comment: '推荐' }, 'expert_review');
  // As if written under an earlier template: the outbox row is the letter that went out.
  const written = await stack.pool.query(
    `UPDATE notifications SET body = body || '（旧模板）' WHERE base_id = $1 AND seq = 2 RETURNING idx, body`,
    [b.id],
  );
  expect(written.rowCount).toBeGreaterThan(0);
  const letters = (await trail(b.id)).entries.filter((e: any) => e.kind === 'notification' && e.seq === 2);
  expect(letters.map((e: any) => e.detail.body)).toEqual(written.rows.sort((x, y) => x.idx - y.idx).map((r) => r.body));
});

test('a decision Temporal took whose write has not landed is in the trail, and not said to be persisted until it is', async () => {
  const b = await submit(http);
  // Sent as an API would that then died before writing the answer (the sweep writes such rows later).
  const actor = { sub: 'district-410105', name: '区县科技局经办人', role: 'district_officer', district: '410105' };
  await temporal.workflow
    .getHandle(`base-${b.id}`)
    .executeUpdate(actUpdate, { args: [{ type: 'recommend', comment: '推荐', actor, at: formatInstant(Date.now()), commandId: `act-unwritten-${b.id}` } as PersonCommand], updateId: `act-unwritten-${b.id}` });
  const t = await trail(b.id);
  expect(decisions(t).map((e: any) => [e.action, e.seq])).toEqual([['submit', 1], ['recommend', 2]]);
  const persisted = t.entries.filter((e: any) => e.kind === 'persisted');
  expect(persisted.map((e: any) => e.detail.seqs)).toEqual([[1]]);
  const { rows } = await stack.pool.query('SELECT recorded_at FROM base_events WHERE base_id = $1', [b.id]);
  expect(Date.parse(persisted[0].at)).toBe(rows[0].recorded_at.getTime());
});

test('the trail downloads as CSV with a header row, and is for auditors only', async () => {
  const b = await submit(http);
  const csv = await http.call('GET', `/api/bases/${b.id}/history?format=csv`, { token: staff.leader() });
  expect(csv.status).toBe(200);
  expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
  const lines = csv.text.replace(/^\ufeff/, '').trim().split('\r\n');
  expect(lines[0]).toBe('seq,at,kind,action,label_zh,label_en,actor_name,actor_role,actor_role_zh,actor_sub,from,from_zh,to,to_zh,detail,via,identity,source');
  expect(lines[1]).toContain('"提交申报","Application submitted"');
  expect(lines[1]).toContain('"applicant","申报单位"');
  expect(lines[1]).toContain('"","","district_review","区县审核"');
  expect(lines[1]).toMatch(/,"temporal"$/);
  expect(csv.headers.get('content-disposition')).toContain(`base-${b.id}-history.csv`);
  expect((await http.get(`/api/bases/${b.id}/history`, b.token)).status).toBe(403);
  expect((await http.get(`/api/bases/${b.id}/history`, staff.district())).status).toBe(403);
});

/** Every decision here came from the API, and says so; Temporal's history adds which API process sent it. */
function sentByTheApi(entries: any[]) {
  const decided = entries.filter((e) => e.kind === 'submitted' || e.kind === 'action');
  expect(decided.map((e) => [e.via, e.identity])).toEqual(Array(decided.length).fill(['api', expect.stringMatching(/^api \d+@/)]));
}

/** The trail as the event log alone tells it: without the Temporal client that sent each decision, which only Temporal's history holds. */
const withoutIdentity = (entries: any[]) => entries.map(({ identity: _identity, ...e }) => e);

async function isGone(baseId: string, runId: string): Promise<boolean> {
  try {
    await temporal.workflow.getHandle(`base-${baseId}`, runId).fetchHistory();
    return false;
  } catch (err) {
    // Anything else (a call timed out on a busy server) says nothing about the run: read again.
    return isNotFound(err);
  }
}

test('a closed base whose every run is past retention keeps its whole trail', async () => {
  const b = await submit(http);
  await http.act(b.id, b.token, 'withdraw', { reason: '合作调整' });
  const before = await trail(b.id);
  const [run] = await runsOf(temporal, b.id);
  await temporal.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: `base-${b.id}`, runId: run.runId } });
  await until('the run deleted', () => isGone(b.id, run.runId), Boolean, 150_000, 250);
  const after = await trail(b.id);
  sentByTheApi(before.entries);
  // Byte for byte: an export kept before retention and one made after it are the same file.
  expect(JSON.stringify(withoutIdentity(after.entries))).toBe(JSON.stringify(withoutIdentity(before.entries)));
  expect(after.runs).toEqual([{ runId: run.runId, source: 'event_log', seqs: [1, 2] }]);
});
