import { createWriteStream, readFileSync, WriteStream } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { distFile } from '../../runtime/paths';
import { ensureDatabase, freePort, Managed, spawnNode, waitForPort } from '../../runtime/processes';
import { waitUntilPolling } from '../../runtime/temporal';
import { standInForMissingYears } from './calendar';

export const TEST_SECRET = 'test-secret-0123456789abcdef-0123456789';

export interface Stack {
  url: string;
  databaseUrl: string;
  taskQueue: string;
  /** Where the worker's and the API's output goes, one `[api] {json}` line at a time. */
  logPath: string;
  pool: Pool;
  env: NodeJS.ProcessEnv;
  worker: Managed;
  api: Managed;
  startWorker(): Promise<void>;
  startApi(): Promise<void>;
  stop(): Promise<void>;
}

/** Waits on the suite's own server until this worker polls its task queue. */
async function untilPolling(env: NodeJS.ProcessEnv, worker: Managed): Promise<void> {
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  try {
    await waitUntilPolling(connection, env.TEMPORAL_NAMESPACE ?? 'default', env.TEMPORAL_TASK_QUEUE!, worker.process, 90_000);
  } finally {
    await connection.close();
  }
}

/**
 * What this project's processes are given to run on the suite's servers, with a database, task
 * queue and port of their own.
 */
export async function stackEnv(
  name: string,
  opts: { timeScale?: number; env?: NodeJS.ProcessEnv; databaseUrlFor?: (direct: string) => string } = {},
): Promise<{ env: NodeJS.ProcessEnv; port: number; databaseUrl: string; taskQueue: string; suffix: string }> {
  const suffix = randomBytes(3).toString('hex');
  const serverUrl = process.env.TEST_PG_SERVER_URL;
  const temporal = process.env.TEST_TEMPORAL_ADDRESS;
  if (!serverUrl || !temporal) throw new Error('integration suites need the global set-up (run them through npm test)');
  const databaseUrl = await ensureDatabase(serverUrl, `zz_${name}_${suffix}`.toLowerCase());
  await standInForMissingYears(databaseUrl);
  const port = await freePort();
  const taskQueue = `${name}-${suffix}`;
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: opts.databaseUrlFor ? opts.databaseUrlFor(databaseUrl) : databaseUrl,
    TEMPORAL_ADDRESS: temporal,
    TEMPORAL_TASK_QUEUE: taskQueue,
    PORT: String(port),
    HOST: '127.0.0.1',
    AUTH_JWT_SECRET: TEST_SECRET,
    TIME_SCALE: String(opts.timeScale ?? 1),
    OBJECTIONS_PER_MINUTE: '1000',
    ...opts.env,
  };
  return { env, port, databaseUrl, taskQueue, suffix };
}

/**
 * A worker and an API of this project, as separate processes built from dist/, on their own
 * database and task queue of the suite-wide real Temporal and PostgreSQL servers.
 */
export async function startStack(
  name: string,
  opts: {
    timeScale?: number;
    env?: NodeJS.ProcessEnv;
    /** The database URL the worker and the API are given, e.g. through a proxy that can cut it; the suite's own pool connects directly. */
    databaseUrlFor?: (direct: string) => string;
    /** false: the API alone, as before any worker has started (startWorker() later). */
    worker?: boolean;
  } = {},
): Promise<Stack> {
  const { env, port, databaseUrl, taskQueue, suffix } = await stackEnv(name, opts);
  const logPath = path.join(process.env.TEST_TMP ?? '/tmp', `${name}-${suffix}.log`);
  const logFile: WriteStream = createWriteStream(logPath, { flags: 'a' });
  const stack: Stack = {
    url: `http://127.0.0.1:${port}`,
    databaseUrl,
    taskQueue,
    logPath,
    env,
    pool: new Pool({ connectionString: databaseUrl, max: 4 }),
    worker: undefined as unknown as Managed,
    api: undefined as unknown as Managed,
    async startWorker() {
      stack.worker = spawnNode(distFile('runtime', 'worker-main.js'), env, '[worker]', logFile);
      await untilPolling(env, stack.worker);
    },
    async startApi() {
      stack.api = spawnNode(distFile('runtime', 'api-main.js'), env, '[api]', logFile);
      await waitForPort(port, 60_000, 'the API', stack.api.process);
    },
    async stop() {
      await Promise.all([stack.api?.stop(5000), stack.worker?.stop(5000)]);
      await stack.pool.end();
      logFile.end();
    },
  };
  if (opts.worker !== false) await stack.startWorker();
  await stack.startApi();
  return stack;
}

/** What one of the stack's processes has written so far, a line each, without its `[api] ` or `[worker] ` prefix. */
export function loggedLines(stack: Pick<Stack, 'logPath'>, from: 'api' | 'worker'): string[] {
  const prefix = `[${from}] `;
  return readFileSync(stack.logPath, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith(prefix))
    .map((l) => l.slice(prefix.length));
}
