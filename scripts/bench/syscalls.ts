import { spawn, spawnSync } from 'node:child_process';
import { barePath, bareTimerMs } from './bare';
import { processes, processesByPart } from './cpu';
import { benchOptions } from './options';
import { oursPath } from './ours';
import type { Path } from './phase';
import { inLanes, Latencies, round } from './stats';
import { startBench } from './stack';

/**
 * What each process of each side does for a decision, counted by the kernel (`perf stat`): CPU and
 * its share in the kernel, system calls, context switches. It tells whether a side's extra CPU
 * goes to the hops a decision takes (HTTP, PostgreSQL, gRPC: their system calls and the wake-ups
 * they cause) or to the work around them, which a CPU profile cannot: Node's profiler files a
 * socket write's user-space work and its system call under one native frame. The counters cost
 * almost nothing, unlike strace. Temporal's figures are those of the side running.
 *   npm run bench:syscalls [-- --bases 160 --concurrency 32 --rounds 2]
 */
const EVENTS = ['task-clock', 'raw_syscalls:sys_enter', 'context-switches', 'cpu-migrations'] as const;
type Counts = Record<(typeof EVENTS)[number], number>;

/** Counts the events of these processes, and of the threads and processes they start, until stopped. */
function count(pids: number[]): () => Promise<Counts> {
  const perf = spawn('perf', ['stat', '-x', ',', '-e', EVENTS.join(','), '-p', pids.join(',')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let out = '';
  perf.stderr.on('data', (c: Buffer) => (out += c));
  return () =>
    new Promise((resolve, reject) => {
      perf.once('exit', () => {
        const counts = Object.fromEntries(EVENTS.map((e) => [e, 0])) as Counts;
        for (const line of out.split('\n')) {
          const [value, , event] = line.split(',');
          if ((EVENTS as readonly string[]).includes(event)) counts[event as keyof Counts] = Number(value) || 0;
        }
        if (!out.includes('task-clock')) reject(new Error(`perf stat printed nothing usable:\n${out}`));
        else resolve(counts);
      });
      perf.kill('SIGINT');
    });
}

type Ticks = Map<number, { ticks: number; systemTicks: number }>;
const ticksNow = (): Ticks => new Map(processes().map((p) => [p.pid, p]));

/** The share of these processes' CPU spent in the kernel between two readings (processes started between are left out). */
function kernelShare(before: Ticks, after: Ticks, pids: number[]): number {
  let ticks = 0;
  let systemTicks = 0;
  for (const pid of pids) {
    const [a, b] = [before.get(pid), after.get(pid)];
    if (!a || !b) continue;
    ticks += b.ticks - a.ticks;
    systemTicks += b.systemTicks - a.systemTicks;
  }
  return ticks ? systemTicks / ticks : 0;
}

/** `n` bases driven along `path`, `concurrency` at a time; returns the decisions made. */
async function drive(path: Path, n: number, concurrency: number, offset: number): Promise<number> {
  const decisions = new Latencies();
  await inLanes(n, concurrency, (i) => path(offset + i, decisions));
  return decisions.ms.length;
}

async function phase(path: Path, bases: number, concurrency: number, offset: number, parts: Record<string, number[]>) {
  const stops = Object.entries(parts).map(([part, pids]) => [part, count(pids)] as const);
  await new Promise((r) => setTimeout(r, 500)); // perf attaches
  const before = ticksNow();
  const started = performance.now();
  const decisions = await drive(path, bases, concurrency, offset);
  const sec = (performance.now() - started) / 1000;
  const after = ticksNow();
  const counted: Record<string, Counts & { kernel: number }> = {};
  for (const [part, stop] of stops) counted[part] = { ...(await stop()), kernel: kernelShare(before, after, parts[part]) };
  return { decisions, sec, counted };
}

function print(side: string, decisions: number, sec: number, counted: Record<string, Counts & { kernel: number }>) {
  console.log(`${side}: ${decisions} decisions in ${round(sec)} s (${round(decisions / sec)} a second); a decision:`);
  const total = { cpu: 0, calls: 0, switches: 0 };
  for (const [part, c] of Object.entries(counted)) {
    const cpu = c['task-clock'] / decisions; // ms
    const calls = c['raw_syscalls:sys_enter'] / decisions;
    const switches = c['context-switches'] / decisions;
    total.cpu += cpu;
    total.calls += calls;
    total.switches += switches;
    const kernel = `${Math.round(c.kernel * 100)} % in the kernel`.padStart(19);
    console.log(`  ${part.padEnd(11)} CPU ${cpu.toFixed(2).padStart(6)} ms ${kernel}  system calls ${calls.toFixed(1).padStart(6)}  context switches ${switches.toFixed(1).padStart(5)}  migrations ${(c['cpu-migrations'] / decisions).toFixed(1)}`);
  }
  console.log(`  ${'all'.padEnd(11)} CPU ${total.cpu.toFixed(2).padStart(6)} ms ${''.padStart(19)}  system calls ${total.calls.toFixed(1).padStart(6)}  context switches ${total.switches.toFixed(1).padStart(5)}`);
}

async function main() {
  const { bases, concurrency, rounds } = benchOptions({ bases: 160, concurrency: 32, rounds: 2 }).counts;
  if (spawnSync('perf', ['--version']).status !== 0) throw new Error('perf (linux-perf) is needed: it reads the kernel counters');
  const timeScale = 300_000;
  const bench = await startBench(timeScale, { server: 'dev' });
  try {
    const { worker, taskQueue } = await bench.startBareWorker();
    const timerMs = await bareTimerMs(bench.ours.pool, timeScale);
    // Every process is named, so that the side not running is not counted as the bench's own.
    const named = { api: bench.ours.api.process.pid, worker: bench.ours.worker.process.pid, 'bare worker': worker.process.pid };
    const shared = ['temporal', 'bench'];
    const sides: Record<string, { path: Path; parts: string[] }> = {
      ours: { path: oursPath(bench.ours.url), parts: ['api', 'worker', 'postgres', ...shared] },
      bare: { path: barePath(bench.client, taskQueue, timerMs), parts: ['bare worker', ...shared] },
    };
    for (let r = 0; r < rounds; r++) {
      // Each round alternates which side goes first, as the bench does.
      for (const side of r % 2 ? ['bare', 'ours'] : ['ours', 'bare']) {
        const { path, parts } = sides[side];
        const offset = (r + 1) * 100_000;
        await drive(path, concurrency, concurrency, offset + 50_000); // warm-up
        const byPart = processesByPart(named);
        const pids = Object.fromEntries(parts.filter((p) => byPart[p]).map((p) => [p, byPart[p].map((x) => x.pid)]));
        const { decisions, sec, counted } = await phase(path, bases, concurrency, offset, pids);
        print(`round ${r + 1}/${rounds}, ${side}`, decisions, sec, counted);
      }
    }
  } finally {
    await bench.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
