import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { repoRoot } from '../../runtime/paths';
import { childrenOf, collected, exitOf, killGroup, running, startSupervisor } from '../support/children';
import { killIfOurs } from '../support/leftovers';
import { until } from '../support/poll';
import { stackEnv } from '../support/stack';

jest.setTimeout(180_000);

// `npm start` and `npm run worker` as an operator stops them: a signal to the process they
// started (a supervisor's SIGTERM, Ctrl-C, a closed terminal) must stop everything under it,
// never leave a worker, an API or PostgreSQL running with nobody to stop it.

const commandLineOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
const killLeftovers = (pids: number[], taskQueue: string) => pids.forEach((pid) => killIfOurs(pid, `TEMPORAL_TASK_QUEUE=${taskQueue}`));

/** This project's settings on the suite's servers (a database, task queue and port of its own), over this environment. */
async function settings(name: string): Promise<{ env: NodeJS.ProcessEnv; port: number }> {
  const { env, port } = await stackEnv(name, { env: { LOG_LEVEL: 'info' } });
  return { env: { ...process.env, ...env }, port };
}

/**
 * `npm start`'s supervisor on the suite's servers: with DATABASE_URL and TEMPORAL_ADDRESS set it
 * runs the worker and the API only, the two children it must stop.
 */
async function startOn(name: string) {
  const { env, port } = await settings(name);
  const s = await startSupervisor(env, port);
  const dispose = () => killGroup(s.dev.pid);
  try {
    const children = await until('the worker and the API started', async () => childrenOf(s.dev.pid!), (pids) => pids.length === 2);
    return { ...s, children, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}

describe('stopping what npm started', () => {
  test.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)("%s to npm start's supervisor stops it, its worker and its API", async (signal) => {
    const s = await startOn('start');
    try {
      const { children } = s;
      s.dev.kill(signal);
      expect(await exitOf(s.dev)).toBe(0);
      expect(children.filter(running)).toEqual([]);
    } finally {
      s.dispose();
    }
  });

  test('Ctrl-C in its terminal (SIGINT to every process of the group) stops everything, with no error on the way', async () => {
    const s = await startOn('ctrlc');
    try {
      const { children } = s;
      process.kill(-s.dev.pid!, 'SIGINT');
      expect(await exitOf(s.dev)).toBe(0);
      expect(children.filter(running)).toEqual([]);
      expect(s.output()).toContain('"worker stopped"');
      expect(s.output()).not.toMatch(/IllegalStateError|"level":"error"/);
    } finally {
      s.dispose();
    }
  });

  test('SIGTERM to `npm run worker` reaches the worker, which shuts down gracefully', async () => {
    const { env } = await settings('npmworker');
    const npm = spawn('npm', ['run', '--silent', 'worker'], { cwd: repoRoot(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = collected(npm);
    let tree: number[] = [];
    try {
      await until('the worker polling', async () => output(), (o) => o.includes('"worker polling"'), 90_000);
      // With `exec`, npm's child is the worker itself: no shell in between to die and leave it running.
      const children = childrenOf(npm.pid!);
      tree = children.flatMap((pid) => [pid, ...childrenOf(pid)]);
      expect(children.map(commandLineOf)).toEqual([expect.stringMatching(/^\S*node \S*dist\/runtime\/worker-main\.js$/)]);
      const [worker] = children;
      npm.kill('SIGTERM');
      await exitOf(npm);
      await until('the worker gone', async () => running(worker), (alive) => !alive, 30_000);
      expect(output()).toContain('"worker stopped"');
    } finally {
      npm.kill('SIGKILL');
      killLeftovers(tree, env.TEMPORAL_TASK_QUEUE!);
    }
  });
});
