import { Pool } from 'pg';
import { applyEvents, BaseState, DomainEvent, formatInstant } from '../domain';
import { prepared } from './prepared';

export interface StoredEvent {
  seq: number;
  type: string;
  at: string;
  actor: { sub: string; name: string; role: string };
  commandId: string;
  from: string | null;
  to: string;
  policyVersion: string;
  payload: Record<string, unknown>;
  workflowId: string;
  runId: string;
  /** When the row was written, in Beijing time. */
  recordedAt: string;
}

export async function readEvents(pool: Pool, baseId: string): Promise<StoredEvent[]> {
  const { rows } = await pool.query(
    `SELECT seq, type, payload->>'at' AS at, actor, command_id, from_stage, to_stage, policy_version, payload, workflow_id, run_id, recorded_at
     FROM base_events WHERE base_id = $1 ORDER BY seq`,
    [baseId],
  );
  return rows.map((r) => ({
    seq: r.seq, type: r.type, at: r.at, actor: r.actor, commandId: r.command_id, from: r.from_stage, to: r.to_stage,
    policyVersion: r.policy_version, payload: r.payload, workflowId: r.workflow_id, runId: r.run_id, recordedAt: formatInstant(r.recorded_at.getTime()),
  }));
}

export async function readNotifications(pool: Pool, baseId: string) {
  const { rows } = await pool.query(
    `SELECT seq, idx, recipient_kind, recipient_id, subject, body FROM notifications WHERE base_id = $1 ORDER BY seq, idx`,
    [baseId],
  );
  return rows.map((r) => ({ seq: r.seq, idx: r.idx, recipient: { kind: r.recipient_kind, id: r.recipient_id }, subject: r.subject, body: r.body }));
}

/** Which of these sequence numbers the base's event log does not hold yet. */
export async function unwrittenSeqs(pool: Pool, baseId: string, seqs: number[]): Promise<number[]> {
  const { rows } = await pool.query(
    'SELECT s FROM unnest($2::int[]) AS s WHERE NOT EXISTS (SELECT 1 FROM base_events WHERE base_id = $1 AND seq = s) ORDER BY s',
    [baseId, seqs],
  );
  return rows.map((r) => Number(r.s));
}

/**
 * The base as one decision left it, for a resend of that decision to be answered as the decision was:
 * every event up to its own, and those the system made in the same instant as part of it (the
 * publicity window fixed on approval), folded. Nothing if the decision left no event.
 */
export async function stateAfterCommand(pool: Pool, baseId: string, commandId: string): Promise<BaseState | undefined> {
  const { rows } = await pool.query(prepared('SELECT seq, command_id, payload FROM base_events WHERE base_id = $1 ORDER BY seq', [baseId]));
  const events = rows as { seq: number; command_id: string; payload: DomainEvent }[];
  let own = events.length - 1;
  while (own >= 0 && events[own].command_id !== commandId) own -= 1;
  if (own < 0) return undefined;
  let end = own + 1;
  const at = events[own].payload.at;
  while (end < events.length && events[end].payload.actor.role === 'system' && events[end].payload.at === at) end += 1;
  // An earlier decision not yet written (its API answered 503, the sweep not yet round) would be
  // missing from the fold: then only the workflow can answer.
  if (events.slice(0, end).some((e, i) => e.seq !== i + 1)) return undefined;
  return applyEvents(undefined, events.slice(0, end).map((e) => e.payload)).state;
}
