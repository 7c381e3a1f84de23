#!/usr/bin/env node
// Starts the real Temporal server (v1.29.1) on PostgreSQL: schemas, config,
// process, namespace and search attributes. Safe to run again on the same DBs.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureTemporalCli, ensureTemporalServer } from './ensure-server.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export const SEARCH_ATTRIBUTES = {
  BaseStage: 'Keyword',
  BaseDistrict: 'Keyword',
  BaseRating: 'Keyword',
  PolicyVersion: 'Keyword',
  PublicityEndsAt: 'Datetime',
  ApplicantName: 'Text',
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function exec(file, args, env = {}) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: { ...process.env, ...env }, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(new Error(`${path.basename(file)} ${args.join(' ')} failed:\n${(stderr || stdout || err.message).trim()}`), { stderr }));
      else resolve(stdout);
    });
  });
}

function canConnect(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(false));
  });
}

async function retry(what, timeoutMs, fn, isAlive = () => true) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!isAlive()) throw new Error(`${what}: the server exited`);
      if (Date.now() > deadline) throw new Error(`${what}: timed out after ${timeoutMs / 1000}s\n${err.message}`);
      await sleep(500);
    }
  }
}

// Only the server part of the URL matters: Temporal keeps its own databases.
function parseDatabaseUrl(databaseUrl) {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username) || 'postgres',
    password: decodeURIComponent(url.password),
  };
}

async function setupSchemas({ sqlTool, schemaDir, db, dbName, visibilityDbName, log }) {
  const common = ['--plugin', 'postgres12', '--ep', db.host, '-p', String(db.port), '-u', db.user];
  // Via the environment, so the password never shows up in `ps`.
  const env = db.password ? { SQL_PASSWORD: db.password } : {};
  for (const [name, versioned] of [[dbName, 'temporal'], [visibilityDbName, 'visibility']]) {
    log(`schema: ${name} (${versioned})`);
    const args = [...common, '--db', name];
    await exec(sqlTool, [...args, 'create-database'], env);
    await exec(sqlTool, [...args, 'setup-schema', '-v', '0.0'], env);
    await exec(sqlTool, [...args, 'update-schema', '-d', path.join(schemaDir, versioned, 'versioned')], env);
  }
}

function renderConfig(vars) {
  const template = fs.readFileSync(path.join(repoRoot, 'cluster', 'temporal-server.yaml'), 'utf8');
  return template.replace(/\$\{(\w+)\}/g, (_, name) => {
    if (!(name in vars)) throw new Error(`cluster/temporal-server.yaml: no value for \${${name}}`);
    // JSON strings are valid double-quoted YAML scalars, so any password is safe.
    return typeof vars[name] === 'number' ? String(vars[name]) : JSON.stringify(String(vars[name]));
  });
}

function tail(file, lines = 15) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines)
      .map((line) => line.slice(0, 400)).join('\n');
  } catch {
    return '';
  }
}

export async function startTemporalCluster({
  databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
  dataDir = path.join(repoRoot, 'data', 'cluster'),
  frontendPort = 7233,
  namespace = 'zz-coop-bases',
  retentionDays = 30,
  dbName = 'temporal',
  log = (m) => console.error(m),
  ownGroup = false,
} = {}) {
  if (!/^[a-z_][a-z0-9_]*$/.test(dbName)) throw new Error(`dbName must be a plain lowercase identifier: ${dbName}`);
  // Membership ports are 300 below the frontend's, and the SQL schema stores them as smallint.
  if (frontendPort < 1324 || frontendPort > 32767 + 294) throw new Error(`frontendPort must be 1324..33061: ${frontendPort}`);
  dataDir = path.resolve(dataDir);
  const db = parseDatabaseUrl(databaseUrl);
  const visibilityDbName = `${dbName}_visibility`;
  const address = `127.0.0.1:${frontendPort}`;
  const archivalDir = path.join(dataDir, 'archival');
  const configDir = path.join(dataDir, 'config');
  const logFile = path.join(dataDir, 'server.log');

  // Another server on the port would answer our health checks and fool us.
  if (await canConnect(frontendPort)) throw new Error(`something is already listening on ${address}`);

  const { server, sqlTool, schemaDir } = await ensureTemporalServer({ log });
  const cli = await ensureTemporalCli({ log });
  await setupSchemas({ sqlTool, schemaDir, db, dbName, visibilityDbName, log });

  fs.mkdirSync(configDir, { recursive: true });
  fs.mkdirSync(archivalDir, { recursive: true });
  const membershipBase = frontendPort - 300;
  fs.writeFileSync(path.join(configDir, 'production.yaml'), renderConfig({
    LOG_LEVEL: process.env.TEMPORAL_LOG_LEVEL || 'info',
    DB_NAME: dbName,
    VISIBILITY_DB_NAME: visibilityDbName,
    DB_ADDR: `${db.host}:${db.port}`,
    DB_USER: db.user,
    DB_PASSWORD: db.password,
    FRONTEND_ADDR: address,
    FRONTEND_PORT: frontendPort,
    HISTORY_PORT: frontendPort + 1,
    MATCHING_PORT: frontendPort + 2,
    WORKER_PORT: frontendPort + 6,
    HTTP_PORT: frontendPort + 10,
    FRONTEND_MEMBERSHIP_PORT: membershipBase,
    HISTORY_MEMBERSHIP_PORT: membershipBase + 1,
    MATCHING_MEMBERSHIP_PORT: membershipBase + 2,
    WORKER_MEMBERSHIP_PORT: membershipBase + 6,
    HISTORY_ARCHIVAL_URI: pathToFileURL(archivalDir).href,
    DYNAMIC_CONFIG_FILE: path.join(repoRoot, 'cluster', 'dynamicconfig.yaml'),
  }), { mode: 0o600 }); // it holds the database password

  const out = fs.openSync(logFile, 'a');
  log(`starting temporal-server on ${address} (log: ${logFile})`);
  // The server reads <root>/<config>/<env>.yaml.
  // Under a supervisor that stops the APIs and workers first (`npm run cluster`), a process group
  // of its own, so a terminal's Ctrl-C reaches only the supervisor and no decision in flight loses
  // its Temporal. Run alone, it shares this script's group and dies with it, stopped or not.
  const child = spawn(server, ['--root', dataDir, '--config', 'config', '--env', 'production', '--allow-no-auth', 'start'], {
    stdio: ['ignore', out, out],
    detached: ownGroup,
  });
  fs.closeSync(out);
  let exited = null;
  const exitPromise = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exited = { code, signal }))));
  const alive = () => exited === null;

  const stop = async ({ timeoutMs = 30_000 } = {}) => {
    if (!alive()) return exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await exitPromise;
    } finally {
      clearTimeout(timer);
    }
  };

  try {
    const temporal = (...args) => exec(cli, [...args, '--address', address]);
    await retry('waiting for the frontend port', 90_000, async () => {
      if (!(await canConnect(frontendPort))) throw new Error(`no listener on ${address}`);
    }, alive);
    await retry('waiting for cluster health', 60_000, () => temporal('operator', 'cluster', 'health'), alive);

    const retention = `${Math.round(retentionDays * 24)}h`;
    const existing = await temporal('operator', 'namespace', 'describe', '--namespace', namespace, '-o', 'json')
      .then(JSON.parse, () => null);
    if (!existing) {
      log(`namespace: creating ${namespace} (retention ${retention}, history archived to ${archivalDir})`);
      await temporal('operator', 'namespace', 'create', '--namespace', namespace, '--retention', retention,
        '--history-archival-state', 'enabled', '--history-uri', pathToFileURL(archivalDir).href);
    } else {
      if (parseInt(existing.config?.workflowExecutionRetentionTtl, 10) !== retentionDays * 86400) {
        log(`namespace: setting retention of ${namespace} to ${retention}`);
        await temporal('operator', 'namespace', 'update', '--namespace', namespace, '--retention', retention);
      }
      // Temporal never lets an archival URI change, so only a warning is possible.
      const uri = existing.config?.historyArchivalUri;
      if (uri !== pathToFileURL(archivalDir).href) {
        log(`warning: namespace ${namespace} archives history to ${uri || '(nowhere)'}, not ${archivalDir}`);
      }
    }

    // Namespaces reach each service through a registry refreshed every few
    // seconds, so a namespace created a moment ago may still be "not found".
    const listed = await retry('waiting for the namespace', 60_000, async () =>
      JSON.parse(await temporal('operator', 'search-attribute', 'list', '--namespace', namespace, '-o', 'json')), alive);
    const known = new Set(Object.keys(listed.customAttributes ?? {}));
    const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !known.has(name));
    if (missing.length) {
      log(`search attributes: adding ${missing.map(([n, t]) => `${n} ${t}`).join(', ')}`);
      await temporal('operator', 'search-attribute', 'create', '--namespace', namespace,
        ...missing.flatMap(([name, type]) => ['--name', name, '--type', type]));
    }
    // Search attributes travel the same way: a visibility query naming every
    // attribute only succeeds once the frontend sees all of them.
    const probe = Object.keys(SEARCH_ATTRIBUTES).map((n) => `${n} IS NULL`).join(' OR ');
    await retry('waiting for namespace and search attributes', 60_000,
      () => temporal('workflow', 'count', '--namespace', namespace, '--query', probe), alive);
  } catch (err) {
    await stop();
    throw new Error(`${err.message}\n--- last lines of ${logFile} ---\n${tail(logFile)}`);
  }

  log(`temporal-server ready on ${address}, namespace ${namespace}`);
  return {
    address, namespace, retentionDays, process: child, logFile, stop,
    archivalUri: pathToFileURL(archivalDir).href,
    databases: [dbName, visibilityDbName],
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const env = process.env;
  let cluster;
  try {
    cluster = await startTemporalCluster({
      dataDir: env.TEMPORAL_DATA_DIR || undefined,
      frontendPort: Number(env.TEMPORAL_PORT || 7233),
      namespace: env.TEMPORAL_NAMESPACE || 'zz-coop-bases',
      retentionDays: Number(env.TEMPORAL_RETENTION_DAYS || 30),
      dbName: env.TEMPORAL_DB_NAME || 'temporal',
    });
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
  console.log(`address:   ${cluster.address}`);
  console.log(`namespace: ${cluster.namespace}`);
  console.log(`logs:      ${cluster.logFile}`);
  console.log('Ctrl-C to stop.');
  let stopping = false;
  const shutdown = async () => {
    stopping = true;
    await cluster.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  cluster.process.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`temporal-server exited (${signal ?? `code ${code}`}); see ${cluster.logFile}`);
    process.exit(code ?? 1);
  });
}
