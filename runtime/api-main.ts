import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { Client } from '@temporalio/client';
import { createApp } from '../api/app';
import { startCalendarWatch } from '../api/calendar-watch';
import { startOutstandingSweep } from '../api/outstanding-sweep';
import { TemporalGateway } from '../api/temporal-gateway';
import { lapseOf, shanghaiDate } from '../domain';
import { createPool } from '../store/pool';
import { migrate } from '../store/migrate';
import { apiDrainMs, ConfigError, loadConfig, requireDatabaseUrl } from './config';
import { jsonLogger } from './log';
import { clientConnection } from './temporal';

const log = jsonLogger('api');

async function main() {
  const config = loadConfig();
  const url = requireDatabaseUrl(config);
  // Migrating may wait on another process's migration (one advisory lock): its own deadlines.
  const migrations = createPool(url, 1);
  await migrate(migrations).finally(() => migrations.end());
  // A request's queries wait no longer than the request may: on a silent network the caller hears
  // 503 within its deadline instead of after the pool's default 15 s.
  const pool = createPool(url, config.PG_POOL_SIZE, Math.max(1000, config.REQUEST_TIMEOUT_MS));
  const connection = clientConnection(config);
  // Named in every update it sends, which the audit trail shows: an API process, not an operator's client.
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, identity: `api ${process.pid}@${hostname()}` });
  const gateway = new TemporalGateway(client, {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    namespace: config.TEMPORAL_NAMESPACE,
    timeScale: config.TIME_SCALE,
    continueAsNewAfterEvents: config.CONTINUE_AS_NEW_AFTER_EVENTS,
    timeoutMs: config.REQUEST_TIMEOUT_MS,
    log,
  });
  const deps = { config, pool, gateway, log, now: Date.now };
  const app = createApp(deps);
  const stopSweep = startOutstandingSweep(deps);
  const stopCalendarWatch = startCalendarWatch(deps);
  // Express 5 hands a failed bind to the listen callback; an API that cannot listen must end
  // non-zero and say so, not announce itself and quietly exit once its pool idles.
  const server = createServer(app);
  const cannotListen = (err: NodeJS.ErrnoException) => {
    const why = err.code === 'EADDRINUSE' ? `${config.HOST}:${config.PORT} is already in use; set PORT or HOST to move the API` : String(err);
    log('error', `api cannot listen: ${why}`, { error: String(err) });
    process.exit(1);
  };
  server.once('error', cannotListen);
  server.listen(config.PORT, config.HOST, () => {
    // Listening, a server error (out of file descriptors, say) costs one connection, not the API.
    server.off('error', cannotListen);
    server.on('error', (err) => log('error', 'api server error', { error: String(err) }));
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
    log('info', 'api listening', { url: `http://${config.HOST}:${port}`, timeScale: config.TIME_SCALE, policyVersion: config.POLICY_VERSION });
    const lapse = lapseOf(config.POLICY_VERSION, shanghaiDate(Date.now()));
    if (lapse) log('warn', 'the measures new bases are opened under have lapsed', { detail: lapse });
  });
  server.keepAliveTimeout = 65_000;
  const stop = () => {
    stopSweep();
    stopCalendarWatch();
    server.close(async () => {
      await connection.close().catch(() => undefined);
      await pool.end().catch(() => undefined);
      log('info', 'api stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
    // A decision in flight is answered, 503 "applied unknown" at worst, before the process goes: its
    // Temporal call and its write each have the request's deadline.
    setTimeout(() => process.exit(0), apiDrainMs(config.REQUEST_TIMEOUT_MS)).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  log('error', err instanceof ConfigError ? err.message : 'api failed to start', { error: String(err?.stack ?? err) });
  process.exit(1);
});
