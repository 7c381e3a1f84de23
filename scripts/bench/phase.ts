import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { cpuByPart, cpuSince } from './cpu';
import { inLanes, Latencies, median, PeakMemory, progress, round } from './stats';

/** One side's whole path for one base; returns the workflow id it drove. */
export type Path = (index: number, decisions: Latencies) => Promise<string>;

export interface PhaseResult {
  bases: number;
  failedBases: number;
  decisions: number;
  decisionsPerSec: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /**
   * The opening (every lane on its first base: the phase sends all its first submissions at once,
   * and the lanes' later decisions keep in step until one base is through) and the rest, apart.
   */
  opening: { sec: number; decisions: number; p99Ms: number };
  afterOpening: { decisions: number; p99Ms: number };
  /** Latency by action (ours) or by kind of update (bare). */
  byAction: Record<string, { count: number; p50Ms: number; p99Ms: number }>;
  /** Ours only: the API's steps of a decision, from its Server-Timing header. */
  bySteps: Record<string, { count: number; p50Ms: number; p99Ms: number }>;
  byGroupSteps: Record<string, { count: number; p50Ms: number; p99Ms: number }>;
  failedDecisions: number;
  retriedDecisions: number;
  wallSec: number;
  peakRssMb: Record<string, number>;
  /** CPU seconds each part of the bench's process tree spent in the phase. */
  cpuSec: Record<string, number>;
  historyEventsPerBase?: number;
  history?: HistoryFigures;
  workflowIds: string[];
  firstError?: string;
}

/** Drives `n` bases through `path`, `concurrency` at a time, and measures the decisions made on the way. */
export async function runPhase(label: string, n: number, concurrency: number, path: Path, pids: () => Record<string, number | undefined>): Promise<PhaseResult> {
  const decisions = new Latencies();
  const workflowIds: string[] = [];
  let done = 0;
  let firstDoneAt = Infinity;
  let failedBases = 0;
  let firstError: string | undefined;
  const memory = new PeakMemory(pids);
  const cpuBefore = cpuByPart(pids());
  const t0 = performance.now();
  const stopProgress = progress(label, () => {
    const s = (performance.now() - t0) / 1000;
    return `${done}/${n} bases · ${decisions.ms.length} decisions · ${(decisions.ms.length / s).toFixed(0)}/s · p99 ${round(decisions.pct(99))} ms · failed ${failedBases}`;
  });
  try {
    await inLanes(n, concurrency, async (i) => {
      try {
        workflowIds.push(await path(i, decisions));
      } catch (err) {
        failedBases += 1;
        firstError ??= String((err as Error)?.message ?? err);
      }
      done += 1;
      firstDoneAt = Math.min(firstDoneAt, performance.now());
    });
  } finally {
    stopProgress();
  }
  const wallSec = (performance.now() - t0) / 1000;
  const s = decisions.summary();
  const split = decisions.splitAt(firstDoneAt);
  return {
    bases: n,
    failedBases,
    decisions: s.count,
    decisionsPerSec: round(s.count / wallSec),
    p50Ms: s.p50Ms,
    p95Ms: s.p95Ms,
    p99Ms: s.p99Ms,
    maxMs: s.maxMs,
    opening: { sec: round((Math.min(firstDoneAt, performance.now()) - t0) / 1000), decisions: split.before.count, p99Ms: split.before.p99Ms },
    afterOpening: { decisions: split.after.count, p99Ms: split.after.p99Ms },
    byAction: decisions.kinds(),
    bySteps: decisions.kinds(decisions.bySteps),
    byGroupSteps: decisions.kinds(decisions.byGroupSteps),
    failedDecisions: s.errors,
    retriedDecisions: s.retries,
    wallSec: round(wallSec),
    peakRssMb: memory.stop(),
    cpuSec: cpuSince(cpuBefore, pids()),
    workflowIds,
    firstError,
  };
}

const ms = (t?: { seconds?: unknown; nanos?: number | null } | null) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

export interface HistoryFigures {
  /** Mean length of a sampled workflow's history. */
  eventsPerBase: number;
  /** The history's size as Temporal stores it (protobuf), the mean over the same sample. */
  kbPerBase: number;
  /** Median time a workflow task waited for the worker (scheduled → started). */
  taskQueuedMsP50: number;
  /** Median time the worker held a workflow task (started → completed): the workflow code, and for ours the local activity. */
  taskInWorkerMsP50: number;
  /** The same two for a workflow's first task (the submission's, on the task queue every worker polls, not the sticky one). */
  firstTaskQueuedMsP50: number;
  firstTaskInWorkerMsP50: number;
}

/**
 * What the histories of a sample of a phase's workflows tell: their length, and where a
 * decision's workflow task spent its time, by the server's own clock.
 */
export async function historyFigures(client: Client, workflowIds: string[], sample = 10): Promise<HistoryFigures> {
  const picked = workflowIds.slice(0, sample);
  let total = 0;
  const queued: number[] = [];
  const inWorker: number[] = [];
  const firstQueued: number[] = [];
  const firstInWorker: number[] = [];
  let bytes = 0;
  for (const id of picked) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    const events = history.events ?? [];
    total += events.length;
    bytes += temporal.api.history.v1.History.encode(history).finish().length;
    const scheduled = new Map<string, number>();
    const started = new Map<string, number>();
    let firstStarted = '';
    for (const e of events) {
      const at = ms(e.eventTime);
      if (e.workflowTaskScheduledEventAttributes) scheduled.set(String(e.eventId), at);
      const s = e.workflowTaskStartedEventAttributes;
      if (s) {
        started.set(String(e.eventId), at);
        queued.push(at - (scheduled.get(String(s.scheduledEventId)) ?? at));
        if (started.size === 1) {
          firstStarted = String(e.eventId);
          firstQueued.push(queued[queued.length - 1]);
        }
      }
      const c = e.workflowTaskCompletedEventAttributes;
      if (c) {
        inWorker.push(at - (started.get(String(c.startedEventId)) ?? at));
        if (String(c.startedEventId) === firstStarted) firstInWorker.push(inWorker[inWorker.length - 1]);
      }
    }
  }
  return {
    eventsPerBase: picked.length ? round(total / picked.length) : NaN,
    kbPerBase: picked.length ? round(bytes / 1024 / picked.length) : NaN,
    taskQueuedMsP50: round(median(queued)),
    taskInWorkerMsP50: round(median(inWorker)),
    firstTaskQueuedMsP50: round(median(firstQueued)),
    firstTaskInWorkerMsP50: round(median(firstInWorker)),
  };
}
