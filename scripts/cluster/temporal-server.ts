import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../runtime/paths';
import { portOpen } from '../../runtime/processes';

export interface TemporalServerOptions {
  databaseUrl: string;
  dataDir: string;
  frontendPort: number;
  namespace: string;
  retentionDays: number;
  dbName: string;
  log(line: string): void;
  /** A process group of its own, for a supervisor that stops it last (no terminal signal reaches it). */
  ownGroup?: boolean;
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

/**
 * A frontend port P whose family (P, P+1, P+2, P+6, P+10 and the same less 300) is free. Below the
 * ephemeral range, since membership ports must fit Temporal's smallint column (P <= 33061).
 */
export async function freeFrontendPort(): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const p = 20_000 + Math.floor(Math.random() * 12_500);
    const family = [0, 1, 2, 6, 10, -300, -299, -298, -294].map((d) => p + d);
    if (!(await Promise.all(family.map((q) => portOpen(q)))).some(Boolean)) return p;
  }
  throw new Error('no free port family for the Temporal server');
}
