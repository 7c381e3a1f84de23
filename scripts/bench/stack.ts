import { Connection, Client } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { client } from '../../test/support/http';
import { submit } from '../../test/support/journeys';
import { startStack, Stack } from '../../test/support/stack';
import { distFile } from '../../runtime/paths';
import { dropDatabases, freePort, Managed, spawnNode, startTemporalDevServer } from '../../runtime/processes';
import { postgresServer, serversDir, shareServers } from '../../test/support/servers';
import { databaseOf } from '../cluster/options';
import { freeFrontendPort, startTemporalServer } from '../cluster/temporal-server';

/**
 * The bench's own Temporal dev server and PostgreSQL (embedded unless DATABASE_URL is set), and
 * ours as a test stack on them: worker and API from dist/, fresh database and task queue.
 * Tuning knobs (PG_POOL_SIZE, WORKER_*) pass through the environment.
 */
export interface Bench {
  ours: Stack;
  client: Client;
  startBareWorker(): Promise<{ worker: Managed; taskQueue: string }>;
  stop(): Promise<void>;
}

/**
 * `dev`: the Temporal CLI's dev server, SQLite in memory unless `temporalDb` names a file (where
 * every commit waits for an fsync, so the disk is measured too). `cluster`: the real
 * server that `npm run cluster` runs (scripts/cluster), its history and visibility in databases of
 * their own on the bench's PostgreSQL, as a deployment keeps them.
 */
export type BenchServer = 'dev' | 'cluster';

export function parseServer(v: string | undefined): BenchServer {
  if (v === 'dev' || v === 'cluster') return v;
  throw new Error(`--server wants dev or cluster, not ${v}`);
}

export async function startBench(timeScale: number, o: { server: BenchServer; temporalDb?: string }): Promise<Bench> {
  const servers = await startServers(o.server, { prefix: 'zz-bases-bench-', postgres: true, temporalDb: o.temporalDb });
  const { stops, stop } = servers;
  try {
    shareServers(servers.temporalAddress, servers.pgUrl!, servers.tmp);
    const ours = await startStack('bench', { timeScale });
    servers.dropAfterwards([databaseOf(ours.databaseUrl)!]); // pushed before ours' stop, so it runs after it
    stops.push(() => ours.stop());
    const connection = await Connection.connect({ address: servers.temporalAddress });
    stops.push(() => connection.close());
    await untilReady(ours.url);
    return {
      ours,
      client: new Client({ connection }),
      async startBareWorker() {
        const bare = await startBareWorker(servers.temporalAddress);
        stops.push(() => bare.worker.stop(5000));
        return bare;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface Servers {
  temporalAddress: string;
  /** PostgreSQL's server URL, when asked for or when the cluster keeps Temporal in it. */
  pgUrl?: string;
  /** A scratch directory for the servers' files. */
  tmp: string;
  /** What `stop` undoes, last pushed first; a caller pushes what it starts on top. */
  stops: (() => Promise<unknown>)[];
  /** Drops these databases at `stop` when the PostgreSQL is not the bench's own (DATABASE_URL's), which keeps nothing of a run. */
  dropAfterwards(names: string[]): void;
  stop(): Promise<void>;
}

/**
 * A bench's servers: PostgreSQL (embedded unless DATABASE_URL is set) when `postgres` is asked for
 * or the cluster needs it, and Temporal as `server` says.
 */
export async function startServers(server: BenchServer, o: { prefix: string; postgres: boolean; temporalDb?: string }): Promise<Servers> {
  const tmp = serversDir(o.prefix);
  const stops: (() => Promise<unknown>)[] = [async () => rmSync(tmp, { recursive: true, force: true })];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err) => console.error(err));
  };
  try {
    const pg = o.postgres || server === 'cluster' ? await postgresServer(tmp) : undefined;
    if (pg?.stop) stops.push(pg.stop);
    const dropAfterwards = (names: string[]) => {
      if (pg && !pg.stop) stops.push(() => dropDatabases(pg.url, names));
    };
    const temporal = server === 'cluster' ? await clusterServer(pg!.url, tmp, dropAfterwards) : await devServer(o.temporalDb);
    stops.push(temporal.stop);
    return { temporalAddress: temporal.address, pgUrl: pg?.url, tmp, stops, dropAfterwards, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The real Temporal server on the bench's PostgreSQL, namespace `default` as the dev server has it,
 * so both sides' workers and clients find it unchanged.
 */
async function clusterServer(pgUrl: string, tmp: string, dropAfterwards: (names: string[]) => void): Promise<Server> {
  const dbName = `temporal_bench_${randomBytes(3).toString('hex')}`;
  dropAfterwards([dbName, `${dbName}_visibility`]);
  const server = await startTemporalServer({
    databaseUrl: pgUrl,
    dataDir: path.join(tmp, 'temporal'),
    frontendPort: await freeFrontendPort(),
    namespace: 'default',
    retentionDays: 1,
    dbName,
    log: (m) => console.error(`  ${m}`),
  });
  return { address: server.address, stop: () => server.stop({ timeoutMs: 5000 }) };
}

interface Server {
  address: string;
  stop(): Promise<unknown>;
}

async function devServer(dbFile?: string): Promise<Server> {
  const server = await startTemporalDevServer({ port: await freePort(), dbFile });
  return { address: server.address, stop: () => server.stop(5000) };
}

/** The bare workflow's worker on a task queue of its own, once it polls. */
export async function startBareWorker(temporalAddress: string): Promise<{ worker: Managed; taskQueue: string }> {
  const taskQueue = `bare-${randomBytes(3).toString('hex')}`;
  const worker = spawnNode(distFile('scripts', 'bench', 'bare-worker.js'), { LOG_LEVEL: 'warn', TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_TASK_QUEUE: taskQueue });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.process.stdout?.on('data', (d) => String(d).includes('polling') && resolve());
      worker.process.once('exit', (code) => reject(new Error(`the bare worker exited with code ${code}`)));
    });
  } catch (err) {
    await worker.stop(5000);
    throw err;
  }
  return { worker, taskQueue };
}

/** The worker is up once a submission answers (the API waits for it, then answers 503). */
export async function untilReady(url: string, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await submit(client(url));
      return;
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
