import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { apiStopGraceMs, APP_DB_DEFAULT, Config, loadConfig } from '../../runtime/config';
import { distFile } from '../../runtime/paths';
import { waitUntilPolling } from '../../runtime/temporal';
import { ensureDatabase, Managed, portOpen, reachableByOtherUsers, hostInUrl, reachableHost, spawnNode, startEmbeddedPostgres, waitForPort } from '../../runtime/processes';
import { ClusterOptions, databaseOf } from './options';
import { startTemporalServer, TemporalServer } from './temporal-server';

export interface Member {
  name: string;
  pid: number;
  log: string;
  url?: string;
  managed: Managed;
}

export interface Cluster {
  temporal: TemporalServer;
  postgres: { embedded: boolean; where: string };
  appDatabase: string;
  taskQueue: string;
  timeScale: number;
  workers: Member[];
  apis: Member[];
  /** APIs first (no new decisions), then workers (finish their tasks), then Temporal, then PostgreSQL. */
  stop(): Promise<void>;
}

const READY_MS = 90_000;
// The local server speaks plain gRPC: TLS or an API key meant for another deployment must not leak in.
const LOCAL_TEMPORAL = { TEMPORAL_TLS: '', TEMPORAL_TLS_CERT: '', TEMPORAL_TLS_KEY: '', TEMPORAL_TLS_CA: '', TEMPORAL_TLS_SERVER_NAME: '', TEMPORAL_API_KEY: '' };

function tail(file: string, lines = 12): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Where the app's tables go: the database DATABASE_URL names, unless it names only the server. */
function appDatabaseName(url: string): string {
  const named = databaseOf(url);
  return !named || named === 'postgres' ? APP_DB_DEFAULT : named;
}

export async function startCluster(o: ClusterOptions, log: (line: string) => void): Promise<Cluster> {
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    // Validated before anything starts, so a bad variable is one clear message rather than four
    // crashing children; the address and database are the ones this topology will provide.
    const config = loadConfig({
      ...process.env,
      ...LOCAL_TEMPORAL,
      TEMPORAL_ADDRESS: `127.0.0.1:${o.temporalPort}`,
      TEMPORAL_NAMESPACE: o.namespace,
      DATABASE_URL: 'postgres://127.0.0.1/placeholder',
      PORT: String(o.apiPorts[0]),
    });
    for (const port of o.apiPorts) {
      if (await portOpen(port, reachableHost(config.HOST))) throw new Error(`port ${port} is taken (another API?); set PORT to move the API instances`);
    }
    const logs = path.join(o.dataDir, 'logs');
    mkdirSync(logs, { recursive: true });

    let serverUrl = o.databaseUrl;
    let postgres: Cluster['postgres'];
    if (serverUrl) {
      const u = new URL(serverUrl);
      postgres = { embedded: false, where: `${u.hostname}:${u.port || 5432} (DATABASE_URL)` };
    } else {
      const dir = path.join(o.dataDir, 'postgres');
      if (process.getuid?.() === 0 && !reachableByOtherUsers(dir)) {
        throw new Error(`embedded PostgreSQL runs as the postgres user, which cannot reach ${dir}; set CLUSTER_DATA_DIR elsewhere or DATABASE_URL`);
      }
      log(`postgres: starting embedded PostgreSQL in ${dir} on port ${o.embeddedPgPort}`);
      const pg = await startEmbeddedPostgres(dir, o.embeddedPgPort);
      stops.push(() => pg.stop());
      serverUrl = pg.urlFor('postgres');
      postgres = { embedded: true, where: `embedded, ${dir}, port ${o.embeddedPgPort}` };
    }
    const appDatabase = appDatabaseName(serverUrl);
    const appUrl = await ensureDatabase(serverUrl, appDatabase);

    const server = await startTemporalServer({
      databaseUrl: serverUrl,
      dataDir: o.dataDir,
      frontendPort: o.temporalPort,
      namespace: o.namespace,
      retentionDays: o.retentionDays,
      dbName: o.temporalDb,
      log,
      ownGroup: true,
    });
    stops.push(() => server.stop());

    const env: NodeJS.ProcessEnv = { ...LOCAL_TEMPORAL, TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: server.namespace, DATABASE_URL: appUrl };

    const spawnMember = (name: string, script: string, extra: NodeJS.ProcessEnv = {}): Member => {
      const file = path.join(logs, `${name}.log`);
      const out = createWriteStream(file, { flags: 'a' });
      const managed = spawnNode(distFile('runtime', script), { ...env, ...extra }, `[${name}]`, out, { ownGroup: true });
      managed.process.once('exit', () => out.end());
      return { name, pid: managed.process.pid!, log: file, managed };
    };
    const workers = Array.from({ length: o.workers }, (_, i) => spawnMember(`worker-${i + 1}`, 'worker-main.js'));
    const apis = o.apiPorts.map((port, i) => ({
      ...spawnMember(`api-${i + 1}`, 'api-main.js', { PORT: String(port) }),
      url: `http://${hostInUrl(reachableHost(config.HOST))}:${port}`,
    }));
    stops.push(() => Promise.all(workers.map((w) => w.managed.stop(15_000))));
    stops.push(() => Promise.all(apis.map((a) => a.managed.stop(apiStopGraceMs(config.REQUEST_TIMEOUT_MS)))));
    log(`started ${workers.length} workers and ${apis.length} API instances; waiting until each polls or listens`);
    const connection = await Connection.connect({ address: server.address });
    try {
      await Promise.all([
        ...workers.map((w) =>
          waitUntilPolling(connection, config.TEMPORAL_NAMESPACE, config.TEMPORAL_TASK_QUEUE, w.managed.process, READY_MS).catch((err) => {
            throw new Error(`${w.name}: ${err.message}\n${tail(w.log)}`);
          }),
        ),
        ...apis.map((a, i) =>
          waitForPort(o.apiPorts[i], READY_MS, a.name, a.managed.process, reachableHost(config.HOST)).catch((err) => {
            throw new Error(`${err.message}\n${tail(a.log)}`);
          }),
        ),
      ]);
    } finally {
      await connection.close();
    }
    return {
      temporal: server,
      postgres,
      appDatabase,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      timeScale: config.TIME_SCALE,
      workers,
      apis,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
