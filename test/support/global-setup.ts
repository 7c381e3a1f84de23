import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDatabase, freePort, startEmbeddedPostgres, startTemporalDevServer } from '../../runtime/processes';

/**
 * One real Temporal dev server and one real PostgreSQL server for the integration suites; each
 * suite then starts its own worker and API on its own database and task queue (test/support/stack).
 */
export default async function globalSetup(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'zz-bases-test-'));
  chmodSync(tmp, 0o755); // embedded PostgreSQL runs as its own user when the tests run as root
  const temporalPort = await freePort();
  const temporal = await startTemporalDevServer({ port: temporalPort, dbFile: path.join(tmp, 'temporal.db') });
  process.env.TEST_TEMPORAL_ADDRESS = temporal.address;
  const g = globalThis as Record<string, unknown>;
  g.__temporal = temporal;
  if (process.env.DATABASE_URL) {
    process.env.TEST_PG_SERVER_URL = process.env.DATABASE_URL;
  } else {
    const pg = await startEmbeddedPostgres(path.join(tmp, 'pg'), await freePort());
    g.__pg = pg;
    process.env.TEST_PG_SERVER_URL = pg.urlFor('postgres');
  }
  // Fail early and clearly if the server is not usable.
  await ensureDatabase(process.env.TEST_PG_SERVER_URL, 'zz_bases_probe');
  process.env.TEST_TMP = tmp;
}
