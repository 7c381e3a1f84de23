// Finds the Temporal CLI (which carries the dev server), or gets v1.5.1: built with `go install`
// where Go exists, else the official release archive. Cached outside the repository.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CLI_VERSION = 'v1.5.1';
const CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function goBin() {
  if (!onPath('go')) return undefined;
  const env = JSON.parse(execFileSync('go', ['env', '-json', 'GOBIN', 'GOPATH'], { encoding: 'utf8' }));
  return env.GOBIN || path.join(env.GOPATH.split(path.delimiter)[0], 'bin');
}

function run(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

async function download(log) {
  const platform = { linux: 'linux', darwin: 'darwin' }[process.platform];
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch];
  if (!platform || !arch) throw new Error(`no Temporal CLI release for ${process.platform}/${process.arch}; install it and set TEMPORAL_BIN`);
  const dir = path.join(os.homedir(), '.cache', 'zz-coop-bases', `temporal-cli-${CLI_VERSION}`);
  const bin = path.join(dir, 'temporal');
  if (existsSync(bin)) return bin;
  const url = `https://temporal.download/cli/archive/${CLI_VERSION}?platform=${platform}&arch=${arch}`;
  log(`downloading the Temporal CLI ${CLI_VERSION} from ${url}`);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`download failed: HTTP ${res.status}`);
  mkdirSync(dir, { recursive: true });
  const archive = path.join(dir, 'temporal.tar.gz');
  writeFileSync(archive, Buffer.from(await res.arrayBuffer()));
  await run('tar', ['-xzf', archive, '-C', dir, 'temporal']);
  chmodSync(bin, 0o755);
  return bin;
}

/** The path of a usable `temporal` binary, getting one if there is none. */
export async function ensureTemporalCli({ log = (m) => console.error(m) } = {}) {
  if (process.env.TEMPORAL_BIN) {
    if (!existsSync(process.env.TEMPORAL_BIN)) throw new Error(`TEMPORAL_BIN=${process.env.TEMPORAL_BIN} does not exist`);
    return process.env.TEMPORAL_BIN;
  }
  const found = onPath('temporal');
  if (found) return found;
  const cached = path.join(os.homedir(), '.cache', 'zz-coop-bases', `temporal-cli-${CLI_VERSION}`, 'temporal');
  const gobin = goBin();
  if (gobin) {
    const target = path.join(gobin, 'temporal');
    if (existsSync(target)) return target;
    if (existsSync(cached)) return cached;
    log(`building the Temporal CLI ${CLI_VERSION} with go install (several minutes, once)…`);
    const built = await run('go', ['install', `${CLI_MODULE}@${CLI_VERSION}`]).then(
      () => (existsSync(target) ? undefined : `go install finished but ${target} is missing`),
      (err) => String(err?.message ?? err),
    );
    if (!built) return target;
    // A Go too old, or its module proxy out of reach: the official release may still be.
    log(`go install did not give a temporal binary (${built}); trying the official release instead`);
    return release(log, `go install failed (${built})`);
  }
  if (existsSync(cached)) return cached;
  return release(log, 'no Go to build it');
}

/** The official release, or an error saying what failed before it and what to do. */
function release(log, before) {
  return download(log).catch((err) => {
    throw new Error(`no Temporal CLI: ${before}, and the download failed (${err?.message ?? err}). Install Go, put a temporal ${CLI_VERSION} binary on PATH, or name it in TEMPORAL_BIN`);
  });
}
