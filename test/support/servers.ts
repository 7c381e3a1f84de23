import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDatabase, freePort, startEmbeddedPostgres } from '../../runtime/processes';

/** A fresh directory for servers' files; embedded PostgreSQL runs as its own user under root and must traverse it. */
export function serversDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * DATABASE_URL's PostgreSQL server, or an embedded one under `dir` (with `stop`), checked usable
 * before anything relies on it, so a broken server fails early and clearly.
 */
export async function postgresServer(dir: string): Promise<{ url: string; stop?: () => Promise<void> }> {
  let server: { url: string; stop?: () => Promise<void> } | undefined;
  if (process.env.DATABASE_URL) server = { url: process.env.DATABASE_URL };
  else {
    const pg = await startEmbeddedPostgres(path.join(dir, 'pg'), await freePort());
    server = { url: pg.urlFor('postgres'), stop: () => pg.stop() };
  }
  await ensureDatabase(server.url, 'zz_bases_probe');
  return server;
}

/** What test/support/stack reads to find the servers; each stack makes a database of its own there. */
export function shareServers(temporalAddress: string, pgServerUrl: string, tmp: string): void {
  Object.assign(process.env, { TEST_TEMPORAL_ADDRESS: temporalAddress, TEST_PG_SERVER_URL: pgServerUrl, TEST_TMP: tmp });
}
