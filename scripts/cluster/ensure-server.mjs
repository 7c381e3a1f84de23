#!/usr/bin/env node
// Finds or builds the real Temporal server (not the CLI's dev server) and its
// SQL schema tool, so the cluster topology needs nothing but Go and PostgreSQL.
// Binaries are cached next to the user's other Go binaries, never in the repo.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const MODULE = 'go.temporal.io/server';

function run(cmd, args, { cwd = os.tmpdir(), env = {} } = {}) {
  return new Promise((resolve, reject) => {
    // GOWORK=off: a go.work in some parent directory must not hijack the build.
    const child = spawn(cmd, args, { cwd, env: { ...process.env, GOWORK: 'off', ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (err) => {
      if (err.code === 'ENOENT' && cmd === 'go') {
        reject(new Error('Go toolchain not found on PATH: install Go >= 1.25 to build the Temporal server ' +
          '(or set TEMPORAL_SERVER_BIN, TEMPORAL_SQL_TOOL_BIN and TEMPORAL_SCHEMA_DIR).'));
      } else reject(err);
    });
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(Object.assign(new Error(`${cmd} ${args.join(' ')} failed (exit ${code}):\n${out.trim()}`), { output: out }));
    });
  });
}

async function goBinDir() {
  const env = JSON.parse(await run('go', ['env', '-json', 'GOBIN', 'GOPATH']));
  return env.GOBIN || path.join(env.GOPATH.split(path.delimiter)[0], 'bin');
}

let moduleDirPromise;
function temporalModuleDir() {
  // `go mod download` is a no-op when the module is already in GOMODCACHE.
  moduleDirPromise ??= run('go', ['mod', 'download', '-json', `${MODULE}@${TEMPORAL_SERVER_VERSION}`])
    .then((out) => JSON.parse(out).Dir);
  return moduleDirPromise;
}

async function makeWritable(dir) {
  // The module cache is read-only; a copy of it must be writable to be removed.
  await fs.chmod(dir, 0o755);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(p);
    else if (entry.isFile()) await fs.chmod(p, 0o644);
  }
}

// Builds `pkg` into `target`. Goes through a temp dir beside the target so the
// final rename is atomic: a concurrent caller never sees a half-written binary.
async function goBuild({ label, pkg, target, log }) {
  const version = pkg.split('@')[1];
  const started = Date.now();
  log(`building ${label} ${version} (takes a few minutes)…`);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = await fs.mkdtemp(path.join(path.dirname(target), `.${path.basename(target)}-`));
  try {
    const built = path.join(tmp, 'bin');
    await fs.mkdir(built);
    try {
      await run('go', ['install', pkg], { env: { GOBIN: built } });
    } catch (err) {
      // `go install pkg@version` refuses modules whose go.mod has replace/exclude
      // directives; building inside a copy of the module honours them instead.
      if (!/directives|replace/i.test(err.output ?? '')) throw err;
      log(`go install refused ${pkg} (${err.output.trim().split('\n').at(-1)}); building from a copy of the module`);
      const [importPath] = pkg.split('@');
      const src = path.join(tmp, 'src');
      await fs.cp(await temporalModuleDir(), src, { recursive: true });
      await makeWritable(src);
      await run('go', ['build', '-o', path.join(built, path.basename(importPath)),
        './' + path.relative(MODULE, importPath)], { cwd: src });
    }
    const [binary] = await fs.readdir(built);
    await fs.rename(path.join(built, binary), target);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  log(`built ${target} in ${Math.round((Date.now() - started) / 1000)}s`);
  return target;
}

async function findOrBuild({ envVar, label, pkg, cacheName, log }) {
  const override = process.env[envVar];
  if (override) {
    if (!existsSync(override)) throw new Error(`${envVar}=${override} does not exist`);
    return override;
  }
  const target = path.join(await goBinDir(), cacheName);
  if (existsSync(target)) return target;
  return goBuild({ label, pkg, target, log });
}

export async function ensureTemporalServer({ log = (m) => console.error(m) } = {}) {
  // Sequential on purpose: two concurrent Go builds thrash a small machine.
  const server = await findOrBuild({
    envVar: 'TEMPORAL_SERVER_BIN', label: 'temporal-server', log,
    pkg: `${MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`,
    cacheName: `temporal-server-${TEMPORAL_SERVER_VERSION.slice(1)}`,
  });
  const sqlTool = await findOrBuild({
    envVar: 'TEMPORAL_SQL_TOOL_BIN', label: 'temporal-sql-tool', log,
    pkg: `${MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
    cacheName: `temporal-sql-tool-${TEMPORAL_SERVER_VERSION.slice(1)}`,
  });
  const schemaDir = process.env.TEMPORAL_SCHEMA_DIR
    || path.join(await temporalModuleDir(), 'schema', 'postgresql', 'v12');
  if (!existsSync(schemaDir)) throw new Error(`PostgreSQL schema directory not found: ${schemaDir}`);
  return { server, sqlTool, schemaDir };
}

// The `temporal` CLI drives namespace and search-attribute set-up; the project has one finder
// for it (PATH, go install, else the release archive), shared with scripts/setup.mjs.
export { ensureTemporalCli } from '../lib/temporal-cli.mjs';

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const paths = await ensureTemporalServer();
    console.log(`server:    ${paths.server}`);
    console.log(`sqlTool:   ${paths.sqlTool}`);
    console.log(`schemaDir: ${paths.schemaDir}`);
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
