import { FaultSpan } from './check';
import { Rig } from './rig';
import { setTimeout as sleep } from 'node:timers/promises';

export type FaultKind = 'worker-kill' | 'temporal-restart' | 'pg-reset' | 'pg-blackhole';
export const FAULT_KINDS: FaultKind[] = ['worker-kill', 'pg-reset', 'temporal-restart', 'worker-kill', 'pg-blackhole'];

/** A small seeded generator, so a run's schedule of faults can be replayed with --seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}


export interface FaultLog {
  spans: FaultSpan[];
  /** Worker exits nobody asked for (it refuses to start while PostgreSQL or Temporal is away), restarted as a supervisor would. */
  supervisedRestarts: number;
}

/**
 * Breaks something, waits, mends it, and again, in the order of `kinds`, until `done()`: the
 * worker killed with SIGKILL, the Temporal server killed with SIGKILL and started on its file, PostgreSQL
 * reset or silently dropped at the proxy. Outages last one to eight seconds.
 */
export async function injectFaults(rig: Rig, o: { done: () => boolean; random: () => number; gapMs: [number, number]; kinds: FaultKind[]; say: (line: string) => void }): Promise<FaultLog> {
  const log: FaultLog = { spans: [], supervisedRestarts: 0 };
  const between = (lo: number, hi: number) => Math.round(lo + (hi - lo) * o.random());
  let workerOurs = false;
  let stopped = false;
  const exited = () => rig.stack.worker.process.exitCode !== null || rig.stack.worker.process.signalCode !== null;
  /** Starts a worker; one that dies at once (its dependencies are away) is the supervisor's to retry. */
  const startWorker = () => rig.stack.startWorker().catch((err) => o.say(`  the worker did not come up: ${(err as Error).message}`));
  const supervisor = (async () => {
    while (!stopped) {
      if (!workerOurs && exited()) {
        log.supervisedRestarts += 1;
        o.say(`  worker exited by itself (code ${rig.stack.worker.process.exitCode}); restarting it`);
        await startWorker();
      }
      await sleep(1000);
    }
  })();

  for (let k = 0; !o.done(); k++) {
    await sleep(between(...o.gapMs));
    if (o.done()) break;
    const kind = o.kinds[k % o.kinds.length];
    const from = Date.now();
    if (kind === 'worker-kill') {
      workerOurs = true;
      await rig.stack.worker.kill();
      await sleep(between(1000, 4000));
      await startWorker();
      workerOurs = false;
    } else if (kind === 'temporal-restart') {
      await rig.restartTemporal(between(2000, 6000));
    } else {
      rig.proxy.cut(kind === 'pg-reset' ? 'reset' : 'blackhole');
      await sleep(between(3000, 8000));
      rig.proxy.restore();
    }
    const span = { kind, from, to: Date.now() };
    log.spans.push(span);
    o.say(`  fault ${log.spans.length}: ${kind}, ${((span.to - span.from) / 1000).toFixed(1)} s`);
  }
  stopped = true;
  await supervisor;
  while (exited()) await startWorker();
  return log;
}
