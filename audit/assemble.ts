import { ACTION_OF_EVENT, AuditFact, auditFactOf, DomainEvent, Stage } from '../domain';
import { StoredEvent } from '../store/events';
import { commandIdOfUpdate } from '../workflows/ids';
import { RunFacts, Sending } from './temporal-history';
import { TrailEntry, trailEntries, TrailNotification } from './trail';

export interface TrailRun {
  runId: string;
  /** temporal: the run's history is still held; event_log: Temporal has deleted it after its retention. */
  source: 'temporal' | 'event_log';
  startedAt?: string;
  closedAt?: string;
  closedAs?: string;
  seqs: [number, number] | null;
}

export interface Trail {
  id: string;
  runs: TrailRun[];
  entries: TrailEntry[];
}

/** The same projection the persistence activity reported to Temporal, from the stored event. */
export function factOfStored(e: StoredEvent): AuditFact {
  return auditFactOf({ seq: e.seq, from: e.from as Stage | null, to: e.to as Stage, event: e.payload as unknown as DomainEvent });
}

const span = (seqs: number[]): [number, number] | null => (seqs.length ? [Math.min(...seqs), Math.max(...seqs)] : null);

/**
 * Temporal's histories are the live record; the event log is the permanent one. Every run Temporal
 * still holds speaks for itself; the runs it has deleted are read back from the log.
 */
export function assembleTrail(
  id: string,
  temporalRuns: RunFacts[],
  stored: { events: StoredEvent[]; notifications: TrailNotification[] },
): Trail {
  const facts = new Map<number, AuditFact>();
  const notes = new Map<string, TrailNotification>();
  const noteKey = (n: TrailNotification) => `${n.seq}:${n.idx}`;
  // A letter is shown as it was written: an update's answer carries the decision, not its letters,
  // which are derived again from it here by today's templates; only the letters of a decision not
  // yet written are. A decision written owes exactly the letters written with it (none, for one
  // written before its template existed).
  const writtenSeqs = new Set(stored.events.map((e) => e.seq));
  for (const n of stored.notifications) notes.set(noteKey(n), n);
  for (const run of temporalRuns) {
    for (const f of run.facts) facts.set(f.seq, f);
    for (const n of run.notifications) if (!writtenSeqs.has(n.seq)) notes.set(noteKey(n), n);
  }
  for (const f of stored.events.map(factOfStored)) if (!facts.has(f.seq)) facts.set(f.seq, f);

  const held = new Set(temporalRuns.map((r) => r.runId));
  const logged = new Map<string, number[]>();
  for (const e of stored.events) logged.set(e.runId, [...(logged.get(e.runId) ?? []), e.seq]);
  const runs: TrailRun[] = [
    ...[...logged.entries()]
      .filter(([runId]) => !held.has(runId))
      .map(([runId, seqs]) => ({ runId, source: 'event_log' as const, seqs: span(seqs) })),
    ...[...temporalRuns].reverse().map((r) => ({
      runId: r.runId,
      source: 'temporal' as const,
      startedAt: r.startedAt,
      closedAt: r.closedAt,
      closedAs: r.closedAs,
      seqs: span(r.facts.map((f) => f.seq)),
    })),
  ].sort((a, b) => (a.seqs?.[0] ?? Infinity) - (b.seqs?.[0] ?? Infinity));
  const written = new Map(stored.events.map((e) => [e.seq, e.recordedAt]));
  return { id, runs, entries: trailEntries([...facts.values()], [...notes.values()], written, sendings(temporalRuns, [...facts.values()])) };
}

/**
 * How each person's decision in the histories Temporal holds reached the workflow: by update (the
 * API's requests, a submission's `ready-` update) or by an operator's signal, matched to the first
 * signal not yet matched that named its command id, or else its action and sender. Decisions read
 * back from the event log alone are left unsaid.
 */
function sendings(runs: RunFacts[], facts: AuditFact[]): Map<string, Sending> {
  const out = new Map<string, Sending>();
  // By the command each update carried (a submission's ready update carries its submission).
  const updates = new Map(runs.flatMap((r) => [...r.updates].map(([updateId, identity]) => [commandIdOfUpdate(updateId), identity] as const)));
  const signals = runs.flatMap((r) => r.signals.map((sig) => ({ ...sig, used: false })));
  const byPeople = facts.filter((f) => f.actor.role !== 'system').sort((a, b) => a.seq - b.seq);
  for (const f of byPeople) {
    if (out.has(f.commandId)) continue;
    const identity = updates.get(f.commandId);
    if (identity !== undefined) {
      out.set(f.commandId, { via: 'update', identity });
      continue;
    }
    const action = ACTION_OF_EVENT[f.type];
    const sig = signals.find((x) => !x.used && x.commandId === f.commandId) ?? signals.find((x) => !x.used && !x.commandId && x.type === action && x.sub === f.actor.sub);
    if (!sig) continue;
    sig.used = true;
    out.set(f.commandId, { via: 'signal', identity: sig.identity });
  }
  return out;
}
