import { readdirSync, readFileSync } from 'node:fs';
import { round } from './stats';

const TICK = 100; // USER_HZ on Linux

export interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  /** CPU in user and kernel mode, in clock ticks. */
  ticks: number;
  /** Of those, in kernel mode: system calls, page faults, and the work the kernel does inside them. */
  systemTicks: number;
}

export function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const f = stat.slice(close + 2).split(' ');
      out.push({ pid: Number(name), ppid: Number(f[1]), comm: stat.slice(stat.indexOf('(') + 1, close), ticks: Number(f[11]) + Number(f[12]), systemTicks: Number(f[12]) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The dev server (the CLI, `temporal`) or the real one (`temporal-server`). */
export const isTemporalServer = (p: Proc): boolean => p.comm === 'temporal' || p.comm === 'temporal-server';

/**
 * The servers' parts: the dev server (`temporal`) or the real one (`temporal-server`) are Temporal;
 * a PostgreSQL backend serving one of the real server's databases (`temporal_…`) is Temporal's
 * persistence, apart from the application's.
 */
function serverPart(p: Proc): string | undefined {
  if (isTemporalServer(p)) return 'temporal';
  if (p.comm !== 'postgres') return undefined;
  try {
    return /^postgres: \S+ temporal\w* /.test(readFileSync(`/proc/${p.pid}/cmdline`, 'utf8')) ? 'temporal-db' : 'postgres';
  } catch {
    return 'postgres';
  }
}

/**
 * The bench's own process tree by part: each process named (`api`, `worker`, …) with the processes
 * it started, the bench itself as `bench`, and the servers it started as `temporal`, `postgres`
 * or `temporal-db`.
 */
export function processesByPart(named: Record<string, number | undefined>): Record<string, Proc[]> {
  const procs = processes();
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const names = new Map(Object.entries(named).filter(([, pid]) => pid).map(([k, pid]) => [pid!, k]));
  names.set(process.pid, 'bench');
  const partOf = (p: Proc): string | undefined => {
    for (let q: Proc | undefined = p; q; q = byPid.get(q.ppid)) {
      if (names.has(q.pid)) return q.pid === p.pid ? names.get(q.pid) : (serverPart(p) ?? names.get(q.pid));
      if (q.pid <= 1) return undefined;
    }
    return undefined;
  };
  const parts: Record<string, Proc[]> = {};
  for (const p of procs) {
    const part = partOf(p);
    if (part) (parts[part] ??= []).push(p);
  }
  return parts;
}

/**
 * CPU seconds used by the bench's own process tree, by part: which process the time went to is
 * the first answer to "where does a decision's time go" on a machine where every part shares
 * the same two cores.
 */
export function cpuByPart(named: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(processesByPart(named)).map(([part, ps]) => [part, ps.reduce((sum, p) => sum + p.ticks / TICK, 0)]));
}

/** CPU seconds of these processes (those still running). */
export function cpuSecondsOf(pids: number[]): number {
  const wanted = new Set(pids);
  return processes().reduce((sum, p) => sum + (wanted.has(p.pid) ? p.ticks / TICK : 0), 0);
}

/** Never below zero: a PostgreSQL backend that exits (an idle pool connection) takes its seconds with it. */
export function cpuSince(before: Record<string, number>, named: Record<string, number | undefined>): Record<string, number> {
  const now = cpuByPart(named);
  return Object.fromEntries(Object.entries(now).map(([k, v]) => [k, Math.max(0, round(v - (before[k] ?? 0)))]));
}
