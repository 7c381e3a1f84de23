import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../runtime/config';
import { repoRoot } from '../../runtime/paths';
import { clusterOptions } from './options';
import { Cluster, startCluster } from './topology';

let interrupted = false;
const started = Date.now();
const say = (line: string) => process.stderr.write(`[cluster +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
const short = (p: string) => (path.relative(process.cwd(), p).startsWith('..') ? p : path.relative(process.cwd(), p));

function summary(c: Cluster): string {
  const t = c.temporal;
  return [
    '',
    '  Production-shaped topology (Ctrl-C stops everything; data stays for the next start)',
    `  Temporal server   ${t.address}   temporal-server v1.29.1, pid ${t.process.pid}, log ${short(t.logFile)}`,
    `  Namespace         ${t.namespace}   retention ${t.retentionDays} days, history archived to ${t.archivalUri}`,
    `  PostgreSQL        ${c.postgres.where}`,
    `  Databases         ${c.appDatabase} (the app: event log, read model)   ${t.databases.join(', ')} (Temporal)`,
    `  Task queue        ${c.taskQueue}   time scale ${c.timeScale}`,
    ...c.workers.map((w) => `  ${w.name.padEnd(18)}pid ${w.pid}, log ${short(w.log)}`),
    ...c.apis.map((a) => `  ${a.name.padEnd(18)}${a.url}   pid ${a.pid}, log ${short(a.log)}`),
    `  A token           npm run token -- bureau_officer`,
    '',
  ].join('\n');
}

/** What started and where, for scripts and tests that drive the topology. */
function status(c: Cluster) {
  const t = c.temporal;
  return {
    temporal: { address: t.address, namespace: t.namespace, retentionDays: t.retentionDays, archivalUri: t.archivalUri, pid: t.process.pid, log: t.logFile, databases: t.databases },
    postgres: c.postgres,
    appDatabase: c.appDatabase,
    taskQueue: c.taskQueue,
    workers: c.workers.map(({ name, pid, log }) => ({ name, pid, log })),
    apis: c.apis.map(({ name, pid, log, url }) => ({ name, pid, log, url })),
  };
}

async function main() {
  const options = clusterOptions(process.env, repoRoot());
  const statusFile = path.join(options.dataDir, 'cluster.json');
  rmSync(statusFile, { force: true });
  let cluster: Cluster | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping: API instances, workers, Temporal server, PostgreSQL…');
    rmSync(statusFile, { force: true });
    await cluster?.stop();
    say('stopped');
    process.exit(code);
  };
  // A Ctrl-C during start-up waits for the start to settle, then stops what it started.
  const interrupt = () => (cluster ? void shutdown(0) : (interrupted = stopping = true));
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  // A closed terminal or a dropped SSH session: the server and the members, in groups of their own,
  // would outlive a supervisor killed by it.
  process.on('SIGHUP', interrupt);

  cluster = await startCluster(options, say);
  if (stopping) {
    stopping = false;
    return shutdown(0);
  }
  // Written whole then renamed, so a reader never sees half of it.
  writeFileSync(`${statusFile}.tmp`, JSON.stringify(status(cluster), null, 2) + '\n');
  renameSync(`${statusFile}.tmp`, statusFile);
  say('ready');
  process.stdout.write(summary(cluster) + '\n');

  cluster.temporal.process.once('exit', (code, signal) => {
    if (stopping) return;
    say(`temporal-server exited (${signal ?? `code ${code}`}); see ${short(cluster!.temporal.logFile)}`);
    void shutdown(1);
  });
  // Nothing is restarted here, as a process manager would (systemd, Kubernetes, compose's
  // restart policy): what this shows is that the rest carries on without the one that died.
  for (const [kind, members] of [['workers', cluster.workers], ['API instances', cluster.apis]] as const) {
    for (const m of members) {
      m.managed.process.once('exit', (code, signal) => {
        if (stopping) return;
        const left = members.filter((x) => x.managed.process.exitCode === null && x.managed.process.signalCode === null).length;
        say(`${m.name} (pid ${m.pid}) exited (${signal ?? `code ${code}`}); ${left} of ${members.length} ${kind} still running; see ${short(m.log)}`);
      });
    }
  }
}

main().catch((err) => {
  if (interrupted) {
    say('stopped during start-up');
    process.exit(0);
  }
  say(err instanceof ConfigError ? err.message : `failed: ${err?.message ?? err}`);
  process.exit(1);
});
