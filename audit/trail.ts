import { ACTION_OF_EVENT, AuditFact, Channel } from '../domain';
import { ACTION_LABELS, KIND_LABELS, STAGE_LABELS } from './labels';
import type { Sending } from './temporal-history';

export interface TrailNotification {
  seq: number;
  idx: number;
  recipient: { kind: string; id: string };
  subject: string;
  body: string;
}

export interface TrailEntry {
  seq: number;
  at: string;
  kind: 'submitted' | 'action' | 'timer' | 'stage' | 'notification' | 'persisted';
  label: { zh: string; en: string };
  action?: string;
  actor?: { sub: string; name: string; role: string };
  from?: string | null;
  to?: string;
  fromLabel?: { zh: string; en: string } | null;
  toLabel?: { zh: string; en: string };
  detail?: Record<string, unknown>;
  /**
   * A person's decision: how it came (`api`, `signal`: as its event says; for events from before
   * they said, `update` or `signal` as Temporal's history shows) and, while Temporal holds the run,
   * which Temporal client sent it.
   */
  via?: Channel | Sending['via'];
  identity?: string;
}

const TIMED = new Set(['close_publicity', 'end_rectification']);

/** Consecutive events of one command form one decision. */
function decisions(facts: AuditFact[]): AuditFact[][] {
  const groups: AuditFact[][] = [];
  for (const f of [...facts].sort((a, b) => a.seq - b.seq)) {
    const last = groups[groups.length - 1];
    if (last && last[0].commandId === f.commandId) last.push(f);
    else groups.push([f]);
  }
  return groups;
}

const stageLabel = (s: string | null | undefined) => (s ? STAGE_LABELS[s] : null);

/**
 * The entries of the trail, in the order things happened (the base's event sequence): one per
 * decision, one per stage move the system made, per letter written and per batch persisted.
 * Built the same way from Temporal's history and from the event log, so the two agree.
 */
export function trailEntries(
  facts: AuditFact[],
  notifications: TrailNotification[],
  written: Map<number, string>,
  sent = new Map<string, Sending>(),
): TrailEntry[] {
  const entries: TrailEntry[] = [];
  for (const group of decisions(facts)) {
    const first = group[0];
    const last = group[group.length - 1];
    const action = ACTION_OF_EVENT[first.type];
    const detail = Object.assign({}, ...group.map((f) => f.detail), { events: group.map((f) => f.type) });
    const move = { from: first.from, to: last.to, fromLabel: stageLabel(first.from), toLabel: stageLabel(last.to)! };
    const base = { seq: first.seq, at: first.at, action, label: ACTION_LABELS[action] ?? { zh: action, en: action } };
    if (first.actor.role !== 'system') {
      const how = sent.get(first.commandId);
      const via = first.via ?? how?.via;
      entries.push({ ...base, kind: first.type === 'Submitted' ? 'submitted' : 'action', actor: first.actor, ...move, detail, ...(via ? { via } : {}), ...(how ? { identity: how.identity } : {}) });
    } else if (TIMED.has(action)) {
      entries.push({ ...base, kind: 'timer', actor: first.actor, detail });
      if (move.from !== move.to) entries.push({ ...base, kind: 'stage', label: KIND_LABELS.stage, actor: first.actor, ...move });
    } else {
      entries.push({ ...base, kind: 'stage', actor: first.actor, ...move, detail });
    }
    const seqs = new Set(group.map((f) => f.seq));
    for (const n of notifications.filter((x) => seqs.has(x.seq)).sort((a, b) => a.seq - b.seq || a.idx - b.idx)) {
      entries.push({ seq: n.seq, at: first.at, kind: 'notification', label: KIND_LABELS.notification, detail: { recipient: n.recipient, subject: n.subject, body: n.body } });
    }
    // Said once the rows are in the table, when they were written: a decision Temporal answered
    // whose write has not landed yet (its API died; the sweep will write it) is not said to be.
    const writtenAt = [...seqs].map((n) => written.get(n));
    if (writtenAt.every((t): t is string => t !== undefined)) {
      const at = writtenAt.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
      entries.push({ seq: last.seq, at, kind: 'persisted', label: KIND_LABELS.persisted, detail: { table: 'base_events', seqs: [...seqs] } });
    }
  }
  return writesInTimeOrder(entries);
}

/**
 * A write can land after later decisions' writes (its API died and the sweep wrote it; two APIs
 * wrote out of turn): its entry goes after its own decision and after every later decision written
 * before it, so the trail reads in the order things were written. Write times are compared with
 * write times only, all on PostgreSQL's clock; everything else keeps the base's sequence.
 */
function writesInTimeOrder(entries: TrailEntry[]): TrailEntry[] {
  const out = entries.filter((e) => e.kind !== 'persisted');
  const writes = entries.filter((e) => e.kind === 'persisted').sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.seq - b.seq);
  const writtenAt = new Map<number, number>();
  for (const w of writes) for (const seq of (w.detail as { seqs: number[] }).seqs) writtenAt.set(seq, Date.parse(w.at));
  for (const w of writes) {
    const t = Date.parse(w.at);
    let i = out.findIndex((e) => e.kind !== 'persisted' && e.seq > w.seq);
    if (i < 0) i = out.length;
    for (; i < out.length; i++) {
      const e = out[i];
      const at = e.kind === 'persisted' ? Date.parse(e.at) : writtenAt.get(e.seq);
      if (at === undefined || at >= t) break;
    }
    out.splice(i, 0, w);
  }
  return out;
}
