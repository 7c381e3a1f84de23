import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { apiStopGraceMs, APP_DB_DEFAULT, loadConfig } from './config';
import { jsonLogger } from './log';
import { repoRoot, distFile } from './paths';
import { ensureDatabase, Managed, portOpen, reachableByOtherUsers, hostInUrl, reachableHost, spawnNode, startEmbeddedPostgres, startTemporalDevServer, waitForPort } from './processes';

const log = jsonLogger('start');

/** data/postgres, unless root runs from a checkout PostgreSQL's own user cannot reach (say under /root). */
function embeddedPgDir(data: string): string {
  const wanted = path.join(data, 'postgres');
  if (process.getuid?.() !== 0 || reachableByOtherUsers(wanted)) return wanted;
  const parent = path.join('/var/lib/zz-coop-bases', createHash('sha256').update(data).digest('hex').slice(0, 12));
  // PostgreSQL's own user must pass through the parents; the data directory itself stays its own, 0700.
  mkdirSync(parent, { recursive: true });
  for (const d of [path.dirname(parent), parent]) chmodSync(d, 0o755);
  const fallback = path.join(parent, 'postgres');
  log('warn', 'embedded PostgreSQL data lives outside the checkout, which its user cannot reach', { dir: fallback });
  return fallback;
}

/** A directory as the operator would type it: relative if under the current one. */
function shown(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `${rel}/` : `${dir}/`;
}

/**
 * `npm start`: the Temporal dev server on a SQLite file and PostgreSQL (embedded unless
 * DATABASE_URL is set), both under data/ (or DATA_DIR), then the worker and the API. Ctrl-C stops it all;
 * the next start finds every base as it was.
 */
const stops: (() => Promise<void>)[] = [];
let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  console.log('stopped');
  process.exit(code);
}

async function main() {
  // Checked before anything starts: a typo would otherwise restart the worker and the API in a loop
  // and end, a minute on, in "the API did not open its port", the reason only in their output.
  loadConfig(process.env);
  const data = path.resolve(repoRoot(), process.env.DATA_DIR ?? 'data');
  const env: NodeJS.ProcessEnv = {};
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  // A closed terminal sends SIGHUP, whose default would end this process alone: PostgreSQL takes
  // SIGHUP as "reload its settings" and would stay behind, holding data/ and its port.
  process.on('SIGHUP', () => void shutdown(0));

  // Checked first: with the port taken, the wait below would find someone else's server open.
  const apiPort = Number(process.env.PORT ?? 3000);
  const apiHost = reachableHost(process.env.HOST);
  if (await portOpen(apiPort, apiHost)) throw new Error(`port ${apiPort} is taken: another API? Set PORT to move ours`);

  let uiUrl: string | undefined;
  let pgDir: string | undefined;
  if (!process.env.TEMPORAL_ADDRESS) {
    const port = Number(process.env.TEMPORAL_PORT ?? 7233);
    const uiPort = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
    if (await portOpen(port)) throw new Error(`port ${port} is taken: another Temporal? Set TEMPORAL_ADDRESS to use it, or TEMPORAL_PORT to move ours`);
    const temporal = await startTemporalDevServer({ port, uiPort, dbFile: path.join(data, 'temporal.db'), ownGroup: true });
    stops.push(() => temporal.stop());
    env.TEMPORAL_ADDRESS = temporal.address;
    uiUrl = `http://127.0.0.1:${uiPort}`;
  }
  if (!process.env.DATABASE_URL) {
    pgDir = embeddedPgDir(data);
    const pg = await startEmbeddedPostgres(pgDir, Number(process.env.EMBEDDED_PG_PORT ?? 5488));
    stops.push(() => pg.stop());
    env.DATABASE_URL = await ensureDatabase(pg.urlFor('postgres'), APP_DB_DEFAULT);
  }

  const supervise = (script: string, prefix: string): void => {
    let child: Managed;
    let restarts = 0;
    const launch = () => {
      if (stopping) return;
      child = spawnNode(distFile('runtime', script), env, prefix, undefined, { ownGroup: true });
      child.process.once('exit', (code) => {
        if (stopping) return;
        restarts += 1;
        log('warn', `${prefix} exited (code ${code}); restarting`, { restarts });
        setTimeout(launch, Math.min(30_000, 1000 * restarts));
      });
    };
    launch();
    // The API answers a decision in flight within twice its request deadline before it goes (an
    // invalid REQUEST_TIMEOUT_MS stops the child at start, so the default is enough here).
    stops.push(() => child.stop(Math.max(30_000, apiStopGraceMs(Number(process.env.REQUEST_TIMEOUT_MS) || 10_000))));
  };
  supervise('worker-main.js', '[worker]');
  supervise('api-main.js', '[api]');

  await waitForPort(apiPort, 60_000, 'the API', undefined, apiHost);
  const api = `http://${hostInUrl(apiHost)}:${apiPort}`;
  console.log(
    [
      '',
      `  API            ${api}`,
      `  API docs       ${api}/docs`,
      uiUrl ? `  Temporal UI    ${uiUrl}` : `  Temporal       ${process.env.TEMPORAL_ADDRESS}`,
      `  PostgreSQL     ${pgDir ? `embedded, ${shown(pgDir)}` : 'DATABASE_URL'}`,
      `  Time scale     ${process.env.TIME_SCALE ?? 1}`,
      `  A token        npm run token -- bureau_officer`,
      `  Ctrl-C stops everything; ${shown(data)} keeps every base for the next start.`,
      '',
    ].join('\n'),
  );
}

// What had started before the failure is stopped too: left running, it would hold its port and
// data/ against the next start.
main().catch((err) => {
  log('error', 'start failed', { error: String(err?.message ?? err) });
  void shutdown(1);
});
