import { Client } from '@temporalio/client';
import { Pool } from 'pg';
import { runFacts } from '../../audit/temporal-history';
import { AuditFact, TERMINAL_STAGES } from '../../domain';
import { EventType, runsOf } from '../../test/support/temporal';
import { Accepted } from './journey';

/** A fault as the run injected it, for judging how late a timer may fairly be. */
export interface FaultSpan {
  kind: string;
  from: number;
  to: number;
}

interface Row {
  seq: number;
  type: string;
  commandId: string;
  to: string;
  at: string;
  recordedAt: number;
  payload: Record<string, any>;
}

export interface Findings {
  bases: number;
  accepted: number;
  /** Accepted decisions whose persisted fact is in the workflow histories. */
  acceptedInWorkflows: number;
  /** Update-accepted events over every history (submissions, decisions, objections). */
  acceptedUpdates: number;
  /** Facts the workflows recorded as persisted, and the decisions of people among them (distinct commands; the rest are timers and the system). */
  workflowFacts: number;
  personDecisions: number;
  events: number;
  /** The same decision applied twice: its event twice in the table or the history, or an update id accepted twice. */
  duplicates: string[];
  /** Table and history disagree about what happened at some place in a base's sequence. */
  divergent: string[];
  /** Accepted, yet missing from the workflow, the table or the read model. */
  lost: string[];
  readModelBehind: string[];
  /** Person decisions applied without a 2xx answer (the caller heard 503 and gave up, or filed an objection again). */
  appliedUnanswered: number;
  timers: { due: number; fired: number; missing: string[]; lateness: number[]; late: string[]; toleranceMs: number };
}

const RECOVERY_MS = 20_000;

async function rowsOf(pool: Pool): Promise<Map<string, Row[]>> {
  const { rows } = await pool.query(
    `SELECT base_id, seq, type, command_id, to_stage, payload, extract(epoch FROM recorded_at) * 1000 AS recorded_ms
     FROM base_events ORDER BY base_id, seq`,
  );
  const by = new Map<string, Row[]>();
  for (const r of rows) {
    const list = by.get(r.base_id) ?? [];
    list.push({ seq: r.seq, type: r.type, commandId: r.command_id, to: r.to_stage, at: r.payload.at, recordedAt: Number(r.recorded_ms), payload: r.payload });
    by.set(r.base_id, list);
  }
  return by;
}

const countBy = <T>(list: T[], key: (t: T) => string) => list.reduce((m, t) => m.set(key(t), (m.get(key(t)) ?? 0) + 1), new Map<string, number>());

/** How long a base's windows' timers took to fire, against when they were due at the run's TIME_SCALE. */
function timersOf(baseId: string, rows: Row[], timeScale: number, faults: FaultSpan[], f: Findings): void {
  const windows: [string, string, string, (r: Row) => string][] = [
    ['PublicityScheduled', 'PublicityClosed', 'CandidateApproved', (r) => r.payload.endsAt],
    ['RectificationStarted', 'RectificationEnded', 'RectificationStarted', (r) => r.payload.dueAt],
  ];
  for (const [opens, closes, since, dueOf] of windows) {
    rows.forEach((open, k) => {
      if (open.type !== opens) return;
      const later = rows.slice(k + 1);
      const fired = later.find((r) => r.type === closes);
      const endedFirst = later.find((r) => TERMINAL_STAGES.includes(r.to as never));
      if (!fired && endedFirst) return; // withdrawn, revoked or rejected before the window ended: nothing due
      const start = [...rows.slice(0, k + 1)].reverse().find((r) => r.type === since)!;
      const wake = open.recordedAt + (Date.parse(dueOf(open)) - Date.parse(start.at)) / timeScale;
      f.timers.due += 1;
      if (!fired) return void f.timers.missing.push(`${baseId} ${closes}`);
      f.timers.fired += 1;
      const lateness = fired.recordedAt - wake;
      f.timers.lateness.push(lateness);
      // A fault holds a timer back by its own length plus the recovery after it.
      const overlapping = faults.filter((x) => x.to >= wake && x.from <= fired.recordedAt).reduce((n, x) => n + (x.to - x.from) + RECOVERY_MS, 0);
      if (lateness > RECOVERY_MS + overlapping) f.timers.late.push(`${baseId} ${closes} ${Math.round(lateness)} ms late`);
    });
  }
}

/**
 * Holds every accepted decision against the three records that must have it: the workflow's
 * history (the facts each decision recorded: in its update's answer or its persistence activity's
 * result), the event table, the read model.
 */
export async function check(pool: Pool, client: Client, baseIds: string[], accepted: Accepted[], timeScale: number, faults: FaultSpan[]): Promise<Findings> {
  const f: Findings = {
    bases: baseIds.length,
    accepted: accepted.length,
    acceptedInWorkflows: 0,
    acceptedUpdates: 0,
    workflowFacts: 0,
    personDecisions: 0,
    events: 0,
    duplicates: [],
    divergent: [],
    lost: [],
    readModelBehind: [],
    appliedUnanswered: 0,
    timers: { due: 0, fired: 0, missing: [], lateness: [], late: [], toleranceMs: RECOVERY_MS },
  };
  const rowsBy = await rowsOf(pool);
  const readModel = new Map<string, { version: number; stage: string }>(
    (await pool.query('SELECT id, version, stage FROM bases')).rows.map((r) => [r.id, { version: r.version, stage: r.stage }]),
  );
  const answered = new Set(accepted.map((a) => a.commandId));
  const acceptedBy = new Map<string, Accepted[]>();
  for (const a of accepted) acceptedBy.set(a.baseId, [...(acceptedBy.get(a.baseId) ?? []), a]);

  for (const baseId of baseIds) {
    const rows = rowsBy.get(baseId) ?? [];
    f.events += rows.length;
    const runs = await runsOf(client, baseId);
    const perRun = runs.map((r) => runFacts(r.runId, r.events));
    // A run that closes writes again what its updates answered (generation 9): one event then stands
    // in the history twice, at one sequence number. Two events of one command are two numbers.
    const bySeq = new Map<number, AuditFact>();
    for (const x of perRun.flatMap((r) => r.facts)) {
      const kept = bySeq.get(x.seq);
      if (!kept) bySeq.set(x.seq, x);
      else if (kept.commandId !== x.commandId || kept.type !== x.type) f.divergent.push(`${baseId} #${x.seq}: the history records ${kept.type} ${kept.commandId} and ${x.type} ${x.commandId}`);
    }
    const facts = [...bySeq.values()];
    f.workflowFacts += facts.length;
    const byPeople = new Set(facts.filter((x) => x.actor.role !== 'system').map((x) => x.commandId));
    f.personDecisions += byPeople.size;
    f.acceptedUpdates += perRun.reduce((n, r) => n + r.updates.size, 0);
    const updateIds = runs.flatMap((r) =>
      r.events
        .filter((e) => Number(e.eventType) === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
        .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId ?? ''),
    );
    for (const [id, n] of countBy(updateIds, (x) => x)) if (n > 1) f.duplicates.push(`${baseId}: update ${id} accepted ${n} times`);
    for (const [k, n] of countBy(rows, (r) => `${r.commandId} ${r.type}`)) if (n > 1) f.duplicates.push(`${baseId}: ${k} ${n} times in the table`);
    for (const [k, n] of countBy(facts, (x) => `${x.commandId} ${x.type}`)) if (n > 1) f.duplicates.push(`${baseId}: ${k} ${n} times in the history`);

    const factAt = new Map(facts.map((x) => [x.seq, x]));
    const rowAt = new Map(rows.map((r) => [r.seq, r]));
    for (const seq of new Set([...factAt.keys(), ...rowAt.keys()])) {
      const a = factAt.get(seq);
      const b = rowAt.get(seq);
      if (!a || !b || a.commandId !== b.commandId || a.type !== b.type) {
        f.divergent.push(`${baseId} #${seq}: history ${a ? `${a.type} ${a.commandId}` : '—'}, table ${b ? `${b.type} ${b.commandId}` : '—'}`);
      }
    }
    rows.forEach((r, k) => r.seq !== k + 1 && f.divergent.push(`${baseId}: the table's sequence jumps to #${r.seq} at #${k + 1}`));

    const read = readModel.get(baseId);
    const last = rows[rows.length - 1];
    if (last && (!read || read.version < last.seq || read.stage !== last.to)) {
      f.readModelBehind.push(`${baseId}: read model v${read?.version} ${read?.stage}, events up to #${last.seq} ${last.to}`);
    }
    for (const a of acceptedBy.get(baseId) ?? []) {
      const inHistory = facts.some((x) => x.commandId === a.commandId);
      const inTable = rows.filter((r) => r.commandId === a.commandId);
      const inReadModel = !!read && inTable.length > 0 && inTable.every((r) => r.seq <= read.version);
      if (inHistory) f.acceptedInWorkflows += 1;
      if (!inHistory || !inTable.length || !inReadModel) {
        f.lost.push(`${baseId} ${a.action} ${a.commandId}: history ${inHistory}, table ${inTable.length > 0}, read model ${inReadModel}`);
      }
    }
    f.appliedUnanswered += [...byPeople].filter((id) => !answered.has(id)).length;
    timersOf(baseId, rows, timeScale, faults, f);
  }
  return f;
}
