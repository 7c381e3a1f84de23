import { Findings } from './check';
import { FaultLog } from './faults';
import { CallStats } from './persistently';

const quantile = (xs: number[], q: number) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export interface RunFacts {
  bases: number;
  timeScale: number;
  seconds: number;
  journeys: { finished: number; broken: string[]; byEnd: Record<string, number> };
  faults: FaultLog;
  calls: CallStats;
}

/** The figures the issue asks for, in the order it asks for them; `ok` is false when anything was lost or doubled. */
export function report(run: RunFacts, f: Findings): { text: string; ok: boolean } {
  const byKind = run.faults.spans.reduce<Record<string, number>>((m, s) => ({ ...m, [s.kind]: (m[s.kind] ?? 0) + 1 }), {});
  const lateness = f.timers.lateness;
  const problems = [...f.lost, ...f.duplicates, ...f.divergent, ...f.readModelBehind, ...f.timers.missing];
  const ok = problems.length === 0;
  const lines = [
    `chaos: ${run.bases} bases, TIME_SCALE ${run.timeScale}, ${secs(run.seconds * 1000)}`,
    `faults injected: ${run.faults.spans.length} (${Object.entries(byKind).map(([k, n]) => `${k} ×${n}`).join(', ')}), down ${secs(run.faults.spans.reduce((n, s) => n + s.to - s.from, 0))} in all; worker restarted by the supervisor ${run.faults.supervisedRestarts}×`,
    `journeys: ${run.journeys.finished} finished (${Object.entries(run.journeys.byEnd).map(([k, n]) => `${k} ${n}`).join(', ')}), ${run.journeys.broken.length} broken`,
    `callers: ${run.calls.calls} requests, ${run.calls.unavailable} answered 503 (${run.calls.noRetryAfter} without Retry-After), ${run.calls.hung} hung, ${run.calls.serverErrors} other 5xx, ${run.calls.networkErrors} network errors`,
    '',
    `decisions accepted (2xx):          ${f.accepted}`,
    `decisions found in the workflows:  ${f.acceptedInWorkflows} of them (histories: ${f.acceptedUpdates} accepted updates, ${f.personDecisions} decisions by people, ${f.workflowFacts} persisted facts)`,
    `events in the table:               ${f.events}`,
    `applied without a 2xx answer:      ${f.appliedUnanswered} (the caller heard 503 and the retry found it done, or an objection sent again)`,
    `duplicates:                        ${f.duplicates.length}`,
    `divergent (table vs history):      ${f.divergent.length}`,
    `read model behind:                 ${f.readModelBehind.length}`,
    `timers: ${f.timers.fired} of ${f.timers.due} fired, ${f.timers.missing.length} missing; lateness median ${secs(quantile(lateness, 0.5))}, p95 ${secs(quantile(lateness, 0.95))}, max ${secs(Math.max(0, ...lateness))}`,
    `timers fired late:                 ${f.timers.late.length} (later than ${secs(f.timers.toleranceMs)} plus, for each fault overlapping the wait, its length and ${secs(f.timers.toleranceMs)})`,
    `lost:                              ${f.lost.length}`,
  ];
  if (run.journeys.broken.length) lines.push('', 'broken journeys:', ...run.journeys.broken.slice(0, 20).map((b) => `  ${b}`));
  if (problems.length || f.timers.late.length) lines.push('', 'details:', ...[...problems, ...f.timers.late].slice(0, 40).map((p) => `  ${p}`));
  lines.push('', ok ? 'OK: nothing lost, nothing applied twice' : 'FAILED: see the details above');
  return { text: lines.join('\n'), ok };
}
