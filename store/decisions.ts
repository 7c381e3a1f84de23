import { Pool, PoolClient } from 'pg';
import { auditFactOf, BaseState, EventRecord, Notification, notificationsFor } from '../domain';
import { inTransaction } from './pool';

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

/** Builds `($1,$2,…),(…)` for a multi-row insert. */
function valuesList(rows: unknown[][]): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const text = rows.map((r) => `(${r.map((v) => `$${params.push(v)}`).join(',')})`).join(',');
  return { text, params };
}

async function insertEvents(c: PoolClient, b: DecisionBatch): Promise<void> {
  const { text, params } = valuesList(
    b.records.map((r) => [
      b.state.id, r.seq, r.event.type, r.event.at, JSON.stringify(r.event.actor), r.event.commandId,
      r.from, r.to, b.state.policyVersion, JSON.stringify(r.event), b.workflowId, b.runId,
    ]),
  );
  await c.query(
    `INSERT INTO base_events (base_id, seq, type, at, actor, command_id, from_stage, to_stage, policy_version, payload, workflow_id, run_id)
     VALUES ${text} ON CONFLICT (base_id, seq) DO NOTHING`,
    params,
  );
}

async function insertNotifications(c: PoolClient, baseId: string, list: PersistedNotification[]): Promise<void> {
  if (!list.length) return;
  const { text, params } = valuesList(
    list.map((n) => [baseId, n.seq, n.idx, n.recipient.kind, n.recipient.id, n.subject, n.body]),
  );
  await c.query(
    `INSERT INTO notifications (base_id, seq, idx, recipient_kind, recipient_id, subject, body, event_type)
     SELECT v.base_id, v.seq::int, v.idx::int, v.kind, v.rid, v.subject, v.body, e.type
     FROM (VALUES ${text}) AS v(base_id, seq, idx, kind, rid, subject, body)
     JOIN base_events e ON e.base_id = v.base_id AND e.seq = v.seq::int
     ON CONFLICT (base_id, seq, idx) DO NOTHING`,
    params,
  );
}

async function upsertReadModel(c: PoolClient, s: BaseState): Promise<void> {
  const rating = [...s.evaluations].reverse().find((e) => e.rating)?.rating ?? null;
  // A persist retried after a later one must not roll the read model back.
  await c.query(
    `INSERT INTO bases (id, version, stage, district, applicant_name, credit_code, policy_version, latest_rating,
                        publicity_ends_at, submitted_at, updated_at, state)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
     ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, stage = EXCLUDED.stage, district = EXCLUDED.district,
       applicant_name = EXCLUDED.applicant_name, latest_rating = EXCLUDED.latest_rating,
       publicity_ends_at = EXCLUDED.publicity_ends_at, updated_at = EXCLUDED.updated_at, state = EXCLUDED.state
     WHERE bases.version < EXCLUDED.version`,
    [
      s.id, s.version, s.stage, s.application.applicant.district, s.application.applicant.name,
      s.application.applicant.creditCode, s.policyVersion, rating, s.publicity?.endsAt ?? null,
      s.submittedAt, s.updatedAt, JSON.stringify(s),
    ],
  );
}

export function notificationsOf(b: DecisionBatch): PersistedNotification[] {
  return b.records.flatMap((r) => notificationsFor(r, b.state).map((n, idx) => ({ ...n, seq: r.seq, idx })));
}

/**
 * One decision, one transaction: its events (once, however often retried), the letters it owes
 * and the read model. Returns what it wrote, which Temporal records as the activity's result.
 */
export async function persistDecision(pool: Pool, b: DecisionBatch) {
  const notifications = notificationsOf(b);
  await inTransaction(pool, async (c) => {
    await insertEvents(c, b);
    await insertNotifications(c, b.state.id, notifications);
    await upsertReadModel(c, b.state);
  });
  return { facts: b.records.map(auditFactOf), notifications };
}
