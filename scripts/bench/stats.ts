import { readFileSync } from 'node:fs';

/** Latencies of one kind of request, in milliseconds. */
export class Latencies {
  readonly ms: number[] = [];
  /** The same samples by what was asked (an action, an update), to say where a tail comes from. */
  readonly byKind = new Map<string, number[]>();
  /** The API's own account of each decision (its Server-Timing header), step by step. */
  readonly bySteps = new Map<string, number[]>();
  /** The same steps by group of decisions (`submission step`), to tell where one kind's time goes. */
  readonly byGroupSteps = new Map<string, number[]>();
  errors = 0;
  /** Requests sent again after a 503; each still counts once, with the time to its final answer. */
  retries = 0;
  /** When each sample's request was sent (the clock of `performance.now()`), in the order of `ms`. */
  readonly sentAt: number[] = [];

  add(ms: number, kind?: string): void {
    this.ms.push(ms);
    this.sentAt.push(performance.now() - ms);
    if (kind !== undefined) push(this.byKind, kind, ms);
  }

  /**
   * The samples sent before `until` and those sent after it, each side's count and p99: a phase
   * starts every lane at once, and until the first base is through, the lanes keep in step, so
   * each of its decisions arrives with its lanes' others, a burst.
   */
  splitAt(until: number): { before: { count: number; p99Ms: number }; after: { count: number; p99Ms: number } } {
    const before: number[] = [];
    const after: number[] = [];
    this.ms.forEach((ms, i) => (this.sentAt[i] < until ? before : after).push(ms));
    return { before: { count: before.length, p99Ms: round(this.pct(99, before)) }, after: { count: after.length, p99Ms: round(this.pct(99, after)) } };
  }

  /** `read;dur=3.1, temporal;dur=80.2, total;dur=95.0` */
  addServerTiming(header: string | null, group?: string): void {
    for (const m of (header ?? '').matchAll(/([\w-]+);dur=([\d.]+)/g)) {
      push(this.bySteps, m[1], Number(m[2]));
      if (group !== undefined) push(this.byGroupSteps, `${group} ${m[1]}`, Number(m[2]));
    }
  }

  /** Nearest-rank percentile: p99 of 100 samples is the 99th, never an interpolation below it. */
  pct(p: number, of: number[] = this.ms): number {
    if (!of.length) return NaN;
    const sorted = [...of].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  }

  kinds(of: Map<string, number[]> = this.byKind): Record<string, { count: number; p50Ms: number; p99Ms: number }> {
    return Object.fromEntries([...of].map(([k, ms]) => [k, { count: ms.length, p50Ms: round(this.pct(50, ms)), p99Ms: round(this.pct(99, ms)) }]));
  }

  summary() {
    return { count: this.ms.length, errors: this.errors, retries: this.retries, p50Ms: round(this.pct(50)), p95Ms: round(this.pct(95)), p99Ms: round(this.pct(99)), maxMs: round(this.pct(100)) };
  }
}

function push(m: Map<string, number[]>, key: string, v: number): void {
  const list = m.get(key);
  if (list) list.push(v);
  else m.set(key, [v]);
}

/** The middle sample (the upper of two): always one that was measured. */
export const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);

/** `median`, but of an even count the mean of the middle two (a spread of ratios), not the upper one (a sample that exists). */
export function middle(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : round((s[n / 2 - 1] + s[n / 2]) / 2, 2);
}

export const round = (x: number, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);

/** Current and peak resident memory of a process in MB, from /proc (Linux). */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: round(kb('VmRSS') / 1024), peakMb: round(kb('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

/**
 * Samples processes every half second and keeps the highest RSS seen: VmHWM alone would carry
 * the peak of a warm-up or an earlier phase into this one.
 */
export class PeakMemory {
  private readonly peaks = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pids: () => Record<string, number | undefined>) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 500);
  }

  private sample(): void {
    for (const [name, pid] of Object.entries(this.pids())) {
      const m = pid ? memoryOf(pid) : undefined;
      if (m) this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, m.rssMb));
    }
  }

  stop(): Record<string, number> {
    this.sample();
    clearInterval(this.timer);
    return Object.fromEntries(this.peaks);
  }
}

/** Runs `fn` over `items` with at most `concurrency` at a time. */
export async function inParallel<T>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

/** `n` calls of `fn` (given 0 to n-1), `at` at a time. */
export const inLanes = (n: number, at: number, fn: (i: number) => Promise<unknown>): Promise<void> =>
  inParallel([...Array(n).keys()], at, async (i) => void (await fn(i)));

/** Times one call into `lat`; a throw counts as an error and is rethrown. */
export async function timed<T>(lat: Latencies, fn: () => Promise<T>, kind?: string): Promise<T> {
  const t0 = performance.now();
  try {
    const r = await fn();
    lat.add(performance.now() - t0, kind);
    return r;
  } catch (err) {
    lat.errors += 1;
    throw err;
  }
}

/** A status line every second on stderr, so a long run shows it is moving. */
export function progress(label: string, line: () => string): () => void {
  const t0 = Date.now();
  const timer = setInterval(() => process.stderr.write(`[${label} ${((Date.now() - t0) / 1000).toFixed(0)}s] ${line()}\n`), 1000);
  return () => clearInterval(timer);
}
