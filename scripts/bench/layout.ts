import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { isTemporalServer, processes } from './cpu';

/**
 * Where the bench's processes run. `shared`: every process on every core, as the bench has always
 * measured. `split`: the Temporal server and the workers (ours and bare's) on the last core, and
 * everything in front of them (the load generator, ours' API and its PostgreSQL) on the others, as
 * a deployment whose Temporal cluster has machines of its own would run them. The same layout holds
 * for both sides, so the ratios then say what a decision of ours costs the cores Temporal runs on.
 */
export type Layout = 'shared' | 'split';

export function parseLayout(value: string | undefined): Layout {
  if (value === undefined || value === 'shared') return 'shared';
  if (value !== 'split') throw new Error(`--layout wants shared or split, not ${value}`);
  if (availableParallelism() < 2) throw new Error('--layout split wants at least two cores');
  return value;
}

/** This process's tree below it: every descendant, those forked since included. */
function tree(root: number): number[] {
  const procs = processes();
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) {
      if (inTree.has(p.pid) || !inTree.has(p.ppid)) continue;
      inTree.add(p.pid);
      grew = true;
    }
  }
  return [...inTree];
}

/** Every thread of each process onto `cpus` (a taskset list); what they start later inherits it. */
function pin(pids: number[], cpus: string): void {
  for (const pid of pids) {
    try {
      execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', cpus, String(pid)], { stdio: 'ignore' });
    } catch (err) {
      // A process that exited meanwhile (a PostgreSQL backend) needs no core.
      if (tree(process.pid).includes(pid)) throw new Error(`taskset could not pin ${pid}: ${(err as Error).message}`);
    }
  }
}

/**
 * Applies `split`: the whole tree onto the front cores first, then Temporal's server (found by
 * its command name, as the CPU figures find it) and the given workers, with their threads, onto the
 * last core. PostgreSQL's backends fork from its postmaster, pinned with the rest of the front.
 */
export function applyLayout(layout: Layout, workerPids: number[]): string | undefined {
  if (layout === 'shared') return undefined;
  const last = availableParallelism() - 1;
  const front = last === 1 ? '0' : `0-${last - 1}`;
  const all = tree(process.pid);
  pin(all, front);
  const temporal = processes().filter((p) => isTemporalServer(p) && all.includes(p.pid)).map((p) => p.pid);
  if (!temporal.length) throw new Error('--layout split found no Temporal server among the bench\'s processes');
  pin([...temporal, ...workerPids], String(last));
  if (process.env.DATABASE_URL) console.error('--layout split: PostgreSQL at DATABASE_URL is not the bench\'s own and stays where it runs');
  return `Temporal and the workers on cpu ${last}; the load generator, the API and PostgreSQL on cpu ${front}`;
}
