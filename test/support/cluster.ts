import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { distFile } from '../../runtime/paths';
import { dropDatabases, ensureDatabase, freePort, portOpen, spawnNode } from '../../runtime/processes';
import { TEST_SECRET } from './stack';
import { standInForMissingYears } from './calendar';
import { databaseOf } from '../../scripts/cluster/options';
import { freeFrontendPort } from '../../scripts/cluster/temporal-server';
import { setTimeout as sleep } from 'node:timers/promises';
import { killIfOurs } from './leftovers';

/** What `npm run cluster` writes to <CLUSTER_DATA_DIR>/cluster.json once everything is ready. */
export interface ClusterStatus {
  temporal: { address: string; namespace: string; retentionDays: number; archivalUri: string; pid: number; log: string; databases: string[] };
  appDatabase: string;
  taskQueue: string;
  workers: { name: string; pid: number; log: string }[];
  apis: { name: string; pid: number; log: string; url: string }[];
}

export interface TestCluster {
  status: ClusterStatus;
  databaseUrl: string;
  /** Everything the supervisor printed so far. */
  output(): string;
  /** Ctrl-C, as a user would; resolves with the supervisor's exit code. */
  interrupt(): Promise<number | null>;
  /** Kills whatever still runs and drops the databases this cluster created. */
  dispose(): Promise<void>;
}


async function consecutivePorts(n: number): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = await freePort();
    const taken = await Promise.all(Array.from({ length: n }, (_, k) => portOpen(p + k)));
    if (!taken.some(Boolean)) return p;
  }
  throw new Error(`no ${n} consecutive free ports`);
}

/**
 * `npm run cluster` as a child process (dist/scripts/cluster/main.js): the real Temporal server on
 * the suite's PostgreSQL server under databases of its own, the workers and the API instances.
 */
export async function startTestCluster(name: string, env: NodeJS.ProcessEnv): Promise<TestCluster> {
  const serverUrl = process.env.TEST_PG_SERVER_URL;
  const tmp = process.env.TEST_TMP;
  if (!serverUrl || !tmp) throw new Error('integration suites need the global set-up (run them through npm test)');
  const suffix = randomBytes(3).toString('hex');
  const namespace = `${name}-${suffix}`;
  const databaseUrl = await ensureDatabase(serverUrl, `zz_${name}_${suffix}`);
  await standInForMissingYears(databaseUrl);
  const temporalDb = `temporal_${name}_${suffix}`;
  const dataDir = path.join(tmp, `${name}-${suffix}`);
  let printed = '';
  const file = createWriteStream(path.join(tmp, `${name}-${suffix}.log`));
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      printed += chunk.toString();
      file.write(chunk, done);
    },
  });
  const supervisor = spawnNode(
    distFile('scripts', 'cluster', 'main.js'),
    {
      NODE_ENV: 'test',
      AUTH_JWT_SECRET: TEST_SECRET,
      OBJECTIONS_PER_MINUTE: '1000',
      DATABASE_URL: databaseUrl,
      TEMPORAL_DB_NAME: temporalDb,
      TEMPORAL_PORT: String(await freeFrontendPort()),
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: namespace,
      CLUSTER_DATA_DIR: dataDir,
      PORT: String(await consecutivePorts(2)),
      ...env,
    },
    '[cluster]',
    sink,
  );
  const exited = new Promise<number | null>((resolve) => supervisor.process.once('exit', (code) => resolve(code)));

  const killOurs = (pid: number) => killIfOurs(pid, `TEMPORAL_NAMESPACE=${namespace}`);
  const dispose = async () => {
    const status = readStatus(dataDir);
    const clean = supervisor.process.exitCode !== null;
    await supervisor.kill();
    if (status && !clean) for (const m of [...status.apis, ...status.workers, status.temporal]) killOurs(m.pid);
    await sleep(500);
    await dropDatabases(serverUrl, [temporalDb, `${temporalDb}_visibility`, databaseOf(databaseUrl)!]);
    file.end();
  };

  // Building the Temporal server takes minutes the first time on a machine; it is cached after.
  const end = Date.now() + 20 * 60_000;
  for (;;) {
    const status = readStatus(dataDir);
    if (status) {
      return {
        status,
        databaseUrl,
        output: () => printed,
        interrupt: async () => {
          supervisor.process.kill('SIGINT');
          return exited;
        },
        dispose,
      };
    }
    if (supervisor.process.exitCode !== null || Date.now() > end) {
      await dispose();
      throw new Error(`npm run cluster did not come up:\n${printed.split('\n').slice(-30).join('\n')}`);
    }
    await sleep(250);
  }
}

function readStatus(dataDir: string): ClusterStatus | undefined {
  const file = path.join(dataDir, 'cluster.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined; // being written
  }
}
