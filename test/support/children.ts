import { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { processes } from '../../scripts/bench/cpu';

/** The processes whose parent is `pid`. */
export const childrenOf = (pid: number): number[] => processes().filter((p) => p.ppid === pid).map((p) => p.pid);

/** Alive and not a zombie. */
export const running = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};

export const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

/** Everything a child writes, as it comes. */
export function collected(child: ChildProcess): () => string {
  let out = '';
  for (const stream of [child.stdout, child.stderr]) stream!.on('data', (d: Buffer) => (out += d));
  return () => out;
}
