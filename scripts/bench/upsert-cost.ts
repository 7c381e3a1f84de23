import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { ensureSearchAttributes } from '../../runtime/search-attributes';
import { cpuByPart } from './cpu';
import { upsertAct, UpsertMode, upsertWorkflow } from './upsert.workflow';
import { benchOptions } from './options';
import { parseServer, startServers } from './stack';

/**
 * Temporal's CPU for one update whose task sets no search attribute, one, or all six of a base's
 * (what a stage change does); and for one that sets none but answers with 3 KB more, as ours'
 * answers carry the base's state. Rounds alternate the modes, in turn first and last, against one
 * server and one worker. `--server cluster` measures the real server on PostgreSQL (the bench's
 * `--server cluster`) and counts its PostgreSQL backends as Temporal's.
 *   npm run bench:upsert [-- --rounds 4 --workflows 16 --updates 60 --server dev|cluster]
 */
const temporalCpuSec = () => {
  const parts = cpuByPart({});
  return (parts.temporal ?? 0) + (parts['temporal-db'] ?? 0);
};

async function cpuPerUpdate(client: Client, taskQueue: string, mode: UpsertMode, workflows: number, updates: number): Promise<number> {
  const handles = await Promise.all(
    Array.from({ length: workflows }, (_, i) => client.workflow.start(upsertWorkflow, { taskQueue, workflowId: `upsert-${mode}-${Date.now()}-${i}`, args: [mode] })),
  );
  await Promise.all(handles.map((h) => h.executeUpdate(upsertAct, { args: [0] })));
  const before = temporalCpuSec();
  await Promise.all(
    handles.map(async (h) => {
      for (let k = 1; k <= updates; k++) await h.executeUpdate(upsertAct, { args: [k] });
    }),
  );
  // The visibility write runs after the update has answered: let it finish inside the round.
  await new Promise((r) => setTimeout(r, 1500));
  const ms = ((temporalCpuSec() - before) * 1000) / (workflows * updates);
  await Promise.all(handles.map((h) => h.terminate()));
  return ms;
}

async function main() {
  const { counts, strings } = benchOptions({ rounds: 4, workflows: 16, updates: 60 }, ['server']);
  const { rounds, workflows, updates } = counts;
  const server = parseServer(strings.server ?? 'dev');
  // Temporal's backends are found as descendants of this process: only an embedded PostgreSQL is.
  if (server === 'cluster' && process.env.DATABASE_URL) throw new Error('--server cluster counts the PostgreSQL backends it starts itself: unset DATABASE_URL');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const servers = await startServers(server, { prefix: 'zz-bases-upsert-', postgres: false });
  try {
    await measure(servers.temporalAddress, rounds, workflows, updates);
  } finally {
    await servers.stop();
  }
}

async function measure(address: string, rounds: number, workflows: number, updates: number) {
  const taskQueue = 'upsert-cost';
  const native = await NativeConnection.connect({ address });
  const quiet = new DefaultLogger('ERROR');
  const worker = await Worker.create({ connection: native, taskQueue, workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./upsert.workflow'), logger: quiet }) });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  // The dev server starts with them; the real server learns them as ours' worker teaches it.
  await ensureSearchAttributes(connection, 'default');
  const client = new Client({ connection });
  const modes: UpsertMode[] = ['none', 'one', 'six', 'answer'];
  try {
    console.log(`${workflows} workflows at a time, ${updates} updates each a round; first round is warm-up`);
    for (let r = 0; r <= rounds; r++) {
      const line: string[] = [];
      for (const mode of r % 2 ? modes : [...modes].reverse()) {
        line.push(`${mode} ${(await cpuPerUpdate(client, taskQueue, mode, workflows, updates)).toFixed(2)}`);
      }
      console.log(`${r === 0 ? 'warm-up' : `round ${r}`}: Temporal's CPU ms an update, by search attributes set (answer: none, 3 KB answer): ${line.join(', ')}`);
    }
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await native.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
