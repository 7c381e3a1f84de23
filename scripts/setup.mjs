#!/usr/bin/env node
// Makes a fresh clone runnable: npm packages, the Temporal CLI, the compiled code. Uses only
// Node's own modules, because it runs before anything is installed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const log = (m) => quiet || console.error(`[setup] ${m}`);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** Quiet, a command's output is kept and shown only if it fails: tsc says what is wrong on stdout. */
const sh = (cmd, args) => {
  try {
    execFileSync(cmd, args, { cwd: root, stdio: quiet ? ['ignore', 'pipe', 'inherit'] : 'inherit', maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    if (quiet && err.stdout?.length) process.stderr.write(err.stdout);
    throw err;
  }
};

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Node.js 20.19 or later is needed (this is ${process.versions.node}).`);
  process.exit(1);
}

// 1. npm packages, when missing or older than the lockfile.
const installed = path.join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(path.join(root, 'package-lock.json')).mtimeMs) {
  log('installing npm packages (npm ci)…');
  // The compiler and its type packages are dev dependencies, which NODE_ENV=production would leave out.
  sh(npm, ['ci', '--include=dev', '--no-audit', '--no-fund']);
}

// 2. The Temporal CLI (it carries the dev server).
mkdirSync(path.join(root, 'data'), { recursive: true });
const { ensureTemporalCli } = await import('./lib/temporal-cli.mjs');
const temporal = await ensureTemporalCli({ log });
writeFileSync(path.join(root, 'data', 'toolchain.json'), JSON.stringify({ temporal }, null, 2) + '\n');
log(`temporal CLI: ${temporal}`);

// 3. Compile, and bundle the workflow code once so workers start fast.
log('compiling…');
sh(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
sh(process.execPath, [path.join(root, 'dist', 'scripts', 'bundle-workflows.js')]);
log('ready');
