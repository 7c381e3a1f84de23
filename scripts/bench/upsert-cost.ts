import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { freePort, startTemporalDevServer } from '../../runtime/processes';
import { cpuSecondsOf } from './cpu';
import { upsertAct, UpsertMode, upsertWorkflow } from './upsert.workflow';
import { counts } from './options';

/**
 * The Temporal dev server's CPU for one update whose task sets no search attribute, one, or all
 * six of a base's (what a stage change does); and for one that sets none but answers with 3 KB
 * more, as ours' answers carry the base's state. Rounds alternate the modes, in turn first and last,
 * against one server and one worker.
 *   npm run bench:upsert [-- --rounds 4 --workflows 16 --updates 60]
 */
async function cpuPerUpdate(client: Client, taskQueue: string, mode: UpsertMode, workflows: number, updates: number, serverPid: number): Promise<number> {
  const handles = await Promise.all(
    Array.from({ length: workflows }, (_, i) => client.workflow.start(upsertWorkflow, { taskQueue, workflowId: `upsert-${mode}-${Date.now()}-${i}`, args: [mode] })),
  );
  await Promise.all(handles.map((h) => h.executeUpdate(upsertAct, { args: [0] })));
  const before = cpuSecondsOf([serverPid]);
  await Promise.all(
    handles.map(async (h) => {
      for (let k = 1; k <= updates; k++) await h.executeUpdate(upsertAct, { args: [k] });
    }),
  );
  // The visibility write runs after the update has answered: let it finish inside the round.
  await new Promise((r) => setTimeout(r, 1500));
  const ms = ((cpuSecondsOf([serverPid]) - before) * 1000) / (workflows * updates);
  await Promise.all(handles.map((h) => h.terminate()));
  return ms;
}

async function main() {
  const { rounds, workflows, updates } = counts({ rounds: 4, workflows: 16, updates: 60 });
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const temporal = await startTemporalDevServer({ port: await freePort() });
  const taskQueue = 'upsert-cost';
  const native = await NativeConnection.connect({ address: temporal.address });
  const quiet = new DefaultLogger('ERROR');
  const worker = await Worker.create({ connection: native, taskQueue, workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./upsert.workflow'), logger: quiet }) });
  const running = worker.run();
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const modes: UpsertMode[] = ['none', 'one', 'six', 'answer'];
  try {
    console.log(`${workflows} workflows at a time, ${updates} updates each a round; first round is warm-up`);
    for (let r = 0; r <= rounds; r++) {
      const line: string[] = [];
      for (const mode of r % 2 ? modes : [...modes].reverse()) {
        line.push(`${mode} ${(await cpuPerUpdate(client, taskQueue, mode, workflows, updates, temporal.process.pid!)).toFixed(2)}`);
      }
      console.log(`${r === 0 ? 'warm-up' : `round ${r}`}: Temporal's CPU ms an update, by search attributes set (answer: none, 3 KB answer): ${line.join(', ')}`);
    }
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await native.close();
    await temporal.stop(5000);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
