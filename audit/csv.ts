import { Trail } from './assemble';
import { ROLE_LABELS } from './labels';

const COLUMNS = ['seq', 'at', 'kind', 'action', 'label_zh', 'label_en', 'actor_name', 'actor_role', 'actor_role_zh', 'actor_sub', 'from', 'from_zh', 'to', 'to_zh', 'detail', 'via', 'identity', 'source'] as const;

/** Quotes every cell and defuses formulas, so a spreadsheet shows the trail and runs nothing. */
function cell(v: unknown): string {
  let s = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

/**
 * One row an entry, saying which record it was read from: a file kept by an auditor must tell, on
 * its own, which entries came from Temporal's history and which from the event log.
 */
export function trailCsv(trail: Trail): string {
  const logged = trail.runs.filter((r) => r.source === 'event_log' && r.seqs);
  const sourceOf = (seq: number) => (logged.some((r) => seq >= r.seqs![0] && seq <= r.seqs![1]) ? 'event_log' : 'temporal');
  const rows = trail.entries.map((e) =>
    [e.seq, e.at, e.kind, e.action, e.label.zh, e.label.en, e.actor?.name, e.actor?.role, e.actor && ROLE_LABELS[e.actor.role], e.actor?.sub, e.from, e.fromLabel?.zh, e.to, e.toLabel?.zh, e.detail, e.via, e.identity, sourceOf(e.seq)]
      .map(cell)
      .join(','),
  );
  // A byte-order mark so spreadsheet programs read the Chinese as UTF-8.
  return '\ufeff' + [COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
