import { Pool } from 'pg';
import { auditFactOf, BaseState, EventRecord, Notification, notificationsFor } from '../domain';
import { prepared } from './prepared';

export interface DecisionBatch {
  workflowId: string;
  runId: string;
  records: EventRecord[];
  /** The state after the last record, for the read model. */
  state: BaseState;
}

export interface PersistedNotification extends Notification {
  seq: number;
  idx: number;
}

/** Builds `($1,$2,…),(…)` for a multi-row insert, numbering on from `params`. */
function valuesList(rows: unknown[][], params: unknown[]): string {
  return rows.map((r) => `(${r.map((v) => `$${params.push(v)}`).join(',')})`).join(',');
}

function eventsInsert(b: DecisionBatch, params: unknown[]): string {
  const values = valuesList(
    b.records.map((r) => [
      b.state.id, r.seq, r.event.type, r.event.at, JSON.stringify(r.event.actor), r.event.commandId,
      r.from, r.to, b.state.policyVersion, JSON.stringify(r.event), b.workflowId, b.runId,
    ]),
    params,
  );
  return `INSERT INTO base_events (base_id, seq, type, at, actor, command_id, from_stage, to_stage, policy_version, payload, workflow_id, run_id)
     VALUES ${values} ON CONFLICT (base_id, seq) DO NOTHING`;
}

function notificationsInsert(b: DecisionBatch, list: PersistedNotification[], params: unknown[]): string {
  const typeOf = new Map(b.records.map((r) => [r.seq, r.event.type]));
  const values = valuesList(
    list.map((n) => [b.state.id, n.seq, n.idx, n.recipient.kind, n.recipient.id, n.subject, n.body, typeOf.get(n.seq)]),
    params,
  );
  return `INSERT INTO notifications (base_id, seq, idx, recipient_kind, recipient_id, subject, body, event_type)
     VALUES ${values} ON CONFLICT (base_id, seq, idx) DO NOTHING`;
}

function readModelUpsert(s: BaseState, params: unknown[]): string {
  const rating = [...s.evaluations].reverse().find((e) => e.rating)?.rating ?? null;
  const values = valuesList(
    [[
      s.id, s.version, s.stage, s.application.applicant.district, s.application.applicant.name,
      s.application.applicant.creditCode, s.policyVersion, rating, s.publicity?.endsAt ?? null,
      s.submittedAt, s.updatedAt, JSON.stringify(s),
    ]],
    params,
  );
  // A persist retried after a later one must not roll the read model back.
  return `INSERT INTO bases (id, version, stage, district, applicant_name, credit_code, policy_version, latest_rating,
                        publicity_ends_at, submitted_at, updated_at, state)
     VALUES ${values}
     ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, stage = EXCLUDED.stage, district = EXCLUDED.district,
       applicant_name = EXCLUDED.applicant_name, latest_rating = EXCLUDED.latest_rating,
       publicity_ends_at = EXCLUDED.publicity_ends_at, updated_at = EXCLUDED.updated_at, state = EXCLUDED.state
     WHERE bases.version < EXCLUDED.version`;
}

function outstandingDelete(baseId: string, updateId: string, params: unknown[]): string {
  return `DELETE FROM outstanding_decisions WHERE base_id = $${params.push(baseId)} AND update_id = $${params.push(updateId)}`;
}

export function notificationsOf(b: Pick<DecisionBatch, 'records' | 'state'>): PersistedNotification[] {
  return b.records.flatMap((r) => notificationsFor(r, b.state).map((n, idx) => ({ ...n, seq: r.seq, idx })));
}

/** What migration 006's trigger raises for an event at a number the log holds from another decision. */
const EVENT_LOG_CONFLICT = 'ZZ001';

/**
 * A batch whose sequence numbers the event log already holds from other decisions: nothing of it
 * was written. It will never be: the caller says so and goes on, rather than retry for good.
 */
export class EventLogConflict extends Error {}

/**
 * One decision, one statement: its events (once, however often retried), the letters it owes,
 * the read model, and (written by the API) the outstanding row it settles. A single statement is atomic on its own, so this costs one round trip
 * instead of five (BEGIN, three statements, COMMIT): the bench showed those round trips in every
 * decision's latency. Returns what it wrote, which Temporal records as the activity's result.
 */
export async function persistDecision(pool: Pool, b: DecisionBatch, settles?: { updateId: string }) {
  const notifications = notificationsOf(b);
  const params: unknown[] = [];
  const parts = [eventsInsert(b, params)];
  if (notifications.length) parts.push(notificationsInsert(b, notifications, params));
  if (settles) parts.push(outstandingDelete(b.state.id, settles.updateId, params));
  const upsert = readModelUpsert(b.state, params);
  try {
    await pool.query(prepared(`WITH ${parts.map((sql, i) => `w${i} AS (${sql})`).join(', ')} ${upsert}`, params));
  } catch (err) {
    if ((err as { code?: string }).code === EVENT_LOG_CONFLICT) throw new EventLogConflict(`${(err as Error).message} (README: "Resetting a base")`);
    throw err;
  }
  return { facts: b.records.map(auditFactOf), notifications };
}
