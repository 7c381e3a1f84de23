import { Connection, Client } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { client } from '../../test/support/http';
import { submit } from '../../test/support/journeys';
import { startStack, Stack } from '../../test/support/stack';
import { distFile } from '../../runtime/paths';
import { freePort, Managed, spawnNode, startTemporalDevServer } from '../../runtime/processes';
import { postgresServer, serversDir, shareServers } from '../../test/support/servers';

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

export async function startBench(timeScale: number, temporalDb?: string): Promise<Bench> {
  const tmp = serversDir('zz-bases-bench-');
  const stops: (() => Promise<unknown>)[] = [async () => rmSync(tmp, { recursive: true, force: true })];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err) => console.error(err));
  };
  try {
    // In memory unless asked: a file makes every history write an fsync, which measures the disk, not Temporal.
    const temporal = await startTemporalDevServer({ port: await freePort(), dbFile: temporalDb });
    stops.push(() => temporal.stop(5000));
    const pg = await postgresServer(tmp);
    if (pg.stop) stops.push(pg.stop);
    shareServers(temporal.address, pg.url, tmp);
    const ours = await startStack('bench', { timeScale });
    stops.push(() => ours.stop());
    const connection = await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS });
    stops.push(() => connection.close());
    await untilReady(ours.url);
    return {
      ours,
      client: new Client({ connection }),
      async startBareWorker() {
        const bare = await startBareWorker(process.env.TEST_TEMPORAL_ADDRESS!);
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
