import { Runtime } from '@temporalio/worker';
import { createPool } from '../store/pool';
import { migrate } from '../store/migrate';
import { ConfigError, loadConfig, requireDatabaseUrl } from './config';
import { jsonLogger } from './log';
import { temporalLogger } from './temporal-log';
import { createWorker } from './worker';

const log = jsonLogger('worker');
// Core's own warnings too, through the same logger, instead of straight to the console in a format of their own.
Runtime.install({ logger: temporalLogger(log), telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } } });

async function main() {
  const config = loadConfig();
  const pool = createPool(requireDatabaseUrl(config), config.PG_POOL_SIZE);
  await migrate(pool);
  const { worker, connection } = await createWorker(config, pool, (names) =>
    log('info', 'search attributes registered; polling once the server accepts them', { namespace: config.TEMPORAL_NAMESPACE, names }),
  );
  // Ctrl-C under `npm start` reaches the worker twice, from the terminal and from the supervisor: the
  // second must not throw (the SDK refuses to shut down a worker no longer running).
  const stop = () => void (worker.getState() === 'RUNNING' && worker.shutdown());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop);
  log('info', 'worker polling', { address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE });
  await worker.run();
  await connection.close();
  await pool.end();
  log('info', 'worker stopped');
}

main().catch((err) => {
  log('error', err instanceof ConfigError ? err.message : 'worker failed', { error: String(err?.stack ?? err) });
  process.exit(1);
});
