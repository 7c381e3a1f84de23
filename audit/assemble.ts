import { AuditFact, auditFactOf, DomainEvent, Stage } from '../domain';
import { StoredEvent } from '../store/events';
import { RunFacts } from './temporal-history';
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
  for (const run of temporalRuns) {
    for (const f of run.facts) facts.set(f.seq, f);
    for (const n of run.notifications) notes.set(`${n.seq}:${n.idx}`, n);
  }
  for (const f of stored.events.map(factOfStored)) if (!facts.has(f.seq)) facts.set(f.seq, f);
  for (const n of stored.notifications) if (!notes.has(`${n.seq}:${n.idx}`)) notes.set(`${n.seq}:${n.idx}`, n);

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
  return { id, runs, entries: trailEntries([...facts.values()], [...notes.values()]) };
}
