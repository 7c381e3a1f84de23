import os from 'node:os';
import { loadConfig } from '../../runtime/config';
import { clientConnection, workflowPollers } from '../../runtime/temporal';

/**
 * A container health check for a worker: healthy once Temporal has seen a poller of this host (the
 * SDK's identity is pid@hostname, and a container's hostname is its own) on the task queue in the
 * last minute. A live process that lost its connection is not healthy.
 */
async function main(): Promise<boolean> {
  const config = loadConfig();
  const connection = clientConnection(config);
  try {
    const pollers = await connection.withDeadline(Date.now() + 5000, () => workflowPollers(connection, config.TEMPORAL_NAMESPACE, config.TEMPORAL_TASK_QUEUE));
    const recent = Date.now() - 60_000;
    return pollers.some(
      (p) => p.identity?.endsWith(`@${os.hostname()}`) && Number(p.lastAccessTime?.seconds ?? 0) * 1000 >= recent,
    );
  } finally {
    await connection.close().catch(() => undefined);
  }
}

main().then(
  (ok) => {
    if (!ok) console.error(`no poller from ${os.hostname()} on the task queue in the last minute`);
    process.exit(ok ? 0 : 1);
  },
  (err) => {
    console.error(String(err?.message ?? err));
    process.exit(1);
  },
);
