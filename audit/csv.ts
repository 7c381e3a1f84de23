import { TrailEntry } from './trail';

const COLUMNS = ['seq', 'at', 'kind', 'action', 'label_zh', 'label_en', 'actor_name', 'actor_role', 'actor_sub', 'from', 'to', 'detail', 'via', 'identity'] as const;

/** Quotes every cell and defuses formulas, so a spreadsheet shows the trail and runs nothing. */
function cell(v: unknown): string {
  let s = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export function trailCsv(entries: TrailEntry[]): string {
  const rows = entries.map((e) =>
    [e.seq, e.at, e.kind, e.action, e.label.zh, e.label.en, e.actor?.name, e.actor?.role, e.actor?.sub, e.from, e.to, e.detail, e.via, e.identity].map(cell).join(','),
  );
  // A byte-order mark so spreadsheet programs read the Chinese as UTF-8.
  return '\ufeff' + [COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
