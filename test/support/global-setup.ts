import path from 'node:path';
import { freePort, startTemporalDevServer } from '../../runtime/processes';
import { postgresServer, serversDir, shareServers } from './servers';

/**
 * One real Temporal dev server and one real PostgreSQL server for the integration suites; each
 * suite then starts its own worker and API on its own database and task queue (test/support/stack).
 */
export default async function globalSetup(): Promise<void> {
  const tmp = serversDir('zz-bases-test-');
  const temporal = await startTemporalDevServer({ port: await freePort(), dbFile: path.join(tmp, 'temporal.db') });
  const g = globalThis as Record<string, unknown>;
  g.__temporal = temporal;
  const pg = await postgresServer(tmp);
  g.__pg = pg;
  shareServers(temporal.address, pg.url, tmp);
}
