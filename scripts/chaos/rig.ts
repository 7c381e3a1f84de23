import { rmSync } from 'node:fs';
import path from 'node:path';
import { freePort, Managed, startTemporalDevServer } from '../../runtime/processes';
import { postgresServer, serversDir, shareServers } from '../../test/support/servers';
import { startStack, Stack } from '../../test/support/stack';
import { startTcpProxy, TcpProxy } from '../../test/support/tcp-proxy';

/**
 * Everything the chaos run breaks, each in a form it can break: the Temporal dev server on a
 * SQLite file (stopped and started again on it), PostgreSQL behind a TCP proxy (cut and
 * restored), and this project's worker and API from dist/ (the worker killed and restarted).
 */
export interface Rig {
  tmp: string;
  stack: Stack;
  proxy: TcpProxy;
  temporalAddress: string;
  restartTemporal(downMs: number): Promise<void>;
  stop(keepFiles: boolean): Promise<void>;
}

export async function startRig(timeScale: number, env: NodeJS.ProcessEnv): Promise<Rig> {
  const tmp = serversDir('zz-bases-chaos-');
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch((err) => console.error(err));
  };
  try {
    const port = await freePort();
    const dbFile = path.join(tmp, 'temporal', 'temporal.db');
    let temporal: Managed = await startTemporalDevServer({ port, dbFile });
    stops.push(() => temporal.stop(5000));
    const pg = await postgresServer(tmp);
    if (pg.stop) stops.push(pg.stop);
    const server = new URL(pg.url);
    const proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    stops.push(() => proxy.close());
    shareServers(`127.0.0.1:${port}`, pg.url, tmp);
    const stack = await startStack('chaos', { timeScale, env, databaseUrlFor: (url) => proxy.urlThrough(url) });
    stops.push(() => stack.stop());
    return {
      tmp,
      stack,
      proxy,
      temporalAddress: `127.0.0.1:${port}`,
      async restartTemporal(downMs) {
        await temporal.kill(); // a crash: what it answered must already be in its file
        await new Promise((r) => setTimeout(r, downMs));
        temporal = await startTemporalDevServer({ port, dbFile });
      },
      async stop(keepFiles) {
        await stopAll();
        if (!keepFiles) rmSync(tmp, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
