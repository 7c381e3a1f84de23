import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { distFile } from '../../runtime/paths';
import { waitForPort } from '../../runtime/processes';
import { processes } from '../../scripts/bench/cpu';
import { until } from './poll';

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

const descendantsOf = (pid: number): number[] => childrenOf(pid).flatMap((c) => [c, ...descendantsOf(c)]);

/**
 * SIGKILL to every process of the group `pid` leads, and to every process under it with the group
 * it leads (a supervisor starts its servers, worker and API each in a group of its own).
 */
export function killGroup(pid: number | undefined): void {
  if (!pid) return;
  for (const p of [pid, ...descendantsOf(pid)]) {
    try {
      process.kill(-p, 'SIGKILL');
    } catch {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}

/**
 * `npm start`'s supervisor (dist/runtime/dev.js) with this environment, in a process group of its
 * own as in a terminal, its output collected; resolved once its API listens on `apiPort` and its
 * worker polls. A start that fails leaves nothing running.
 */
export async function startSupervisor(env: NodeJS.ProcessEnv, apiPort: number): Promise<{ dev: ChildProcess; output: () => string }> {
  const dev = spawn(process.execPath, [distFile('runtime', 'dev.js')], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output = collected(dev);
  try {
    await waitForPort(apiPort, 120_000, 'the API', dev);
    await until('the worker polling', async () => output(), (o) => o.includes('"worker polling"'), 90_000);
  } catch (err) {
    killGroup(dev.pid);
    throw err;
  }
  return { dev, output };
}
