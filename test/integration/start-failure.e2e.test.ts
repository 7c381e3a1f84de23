import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { distFile } from '../../runtime/paths';
import { freePort, portOpen } from '../../runtime/processes';
import { childrenOf, collected, exitOf, killGroup, running } from '../support/children';
import { until } from '../support/poll';

jest.setTimeout(180_000);

// `npm start` that fails part way (here its PostgreSQL cannot have its port) must stop what it had
// already started: a Temporal server left behind would hold its port and data/ against the next start.
test('a start that fails after Temporal is up stops Temporal too, and says why', async () => {
  const [apiPort, temporalPort, uiPort, pgPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const squatter = createServer().listen(pgPort, '::');
  const data = mkdtempSync(path.join(tmpdir(), 'start-failure-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: data, PORT: String(apiPort), TEMPORAL_PORT: String(temporalPort), TEMPORAL_UI_PORT: String(uiPort), EMBEDDED_PG_PORT: String(pgPort) };
  delete env.TEMPORAL_ADDRESS;
  delete env.DATABASE_URL;
  const dev = spawn(process.execPath, [distFile('runtime', 'dev.js')], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output = collected(dev);
  try {
    await until('Temporal started', () => portOpen(temporalPort), (open) => open, 60_000, 200);
    // What it had started, taken while it runs: once it exits, what it left would be another's children.
    const started = childrenOf(dev.pid!);
    expect(started.length).toBeGreaterThan(0);
    expect(await exitOf(dev)).toBe(1);
    const failed = output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((l) => l.msg === 'start failed');
    expect(failed?.error).toMatch(new RegExp(`^embedded PostgreSQL did not start on port ${pgPort} \\(EMBEDDED_PG_PORT\\): .*FATAL:  could not create any TCP/IP sockets`));
    expect(await portOpen(temporalPort)).toBe(false);
    expect(started.filter(running)).toEqual([]);
  } finally {
    killGroup(dev.pid);
    squatter.close();
    rmSync(data, { recursive: true, force: true });
    // As root, PostgreSQL's data went where its user can reach (the start says where): not kept.
    const moved = /"dir":"([^"]+)\/postgres"/.exec(output())?.[1];
    if (moved) rmSync(moved, { recursive: true, force: true });
  }
});

test('a start with a variable mistyped starts nothing and names it at once', async () => {
  const [apiPort, temporalPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(apiPort), TEMPORAL_PORT: String(temporalPort), LOG_LEVEL: 'trace', REQUEST_TIMEOUT_MS: 'ten' };
  delete env.TEMPORAL_ADDRESS;
  delete env.DATABASE_URL;
  const dev = spawn(process.execPath, [distFile('runtime', 'dev.js')], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output = collected(dev);
  try {
    expect(await exitOf(dev)).toBe(1);
    const failed = output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((l) => l.msg === 'start failed');
    expect(failed?.error).toMatch(/LOG_LEVEL: one of/);
    expect(failed?.error).toMatch(/REQUEST_TIMEOUT_MS/);
    expect(await portOpen(temporalPort)).toBe(false);
  } finally {
    killGroup(dev.pid);
  }
});
