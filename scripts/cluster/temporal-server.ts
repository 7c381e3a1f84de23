import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../runtime/paths';

export interface TemporalServerOptions {
  databaseUrl: string;
  dataDir: string;
  frontendPort: number;
  namespace: string;
  retentionDays: number;
  dbName: string;
  log(line: string): void;
}

export interface TemporalServer {
  address: string;
  namespace: string;
  retentionDays: number;
  archivalUri: string;
  databases: string[];
  logFile: string;
  process: ChildProcess;
  stop(o?: { timeoutMs?: number }): Promise<unknown>;
}

/**
 * The real Temporal server on PostgreSQL (scripts/cluster/start-server.mjs). That module stays
 * plain JavaScript so it also runs on its own before anything is compiled; it is not copied into
 * dist/, so it is loaded from the checkout.
 */
export async function startTemporalServer(o: TemporalServerOptions): Promise<TemporalServer> {
  const url = pathToFileURL(path.join(repoRoot(), 'scripts', 'cluster', 'start-server.mjs')).href;
  const mod: { startTemporalCluster(o: TemporalServerOptions): Promise<TemporalServer> } = await import(url);
  return mod.startTemporalCluster(o);
}
