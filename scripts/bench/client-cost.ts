import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { freePort, startTemporalDevServer } from '../../runtime/processes';
import { bareAct, bareWorkflow } from './bare.workflow';
import { startBareWorker } from './stack';
import { Latencies } from './stats';
import { counts } from './options';

/**
 * CPU a client process spends on one decision's call to Temporal (an update, answered by a
 * workflow that does nothing else), through @temporalio/client's pure-JavaScript gRPC connection
 * and through the SDK's Rust connection (NativeConnection, the worker's). Rounds alternate in one
 * process, against a dev server and a bare worker of its own; process CPU includes the Rust
 * client's threads.
 *   npm run bench:client [-- --rounds 3 --workflows 16 --updates 60]
 */
async function cpuPerUpdate(client: Client, taskQueue: string, workflows: number, updates: number) {
  const handles = await Promise.all(
    Array.from({ length: workflows }, (_, i) =>
      client.workflow.start(bareWorkflow, { taskQueue, workflowId: `client-cost-${Date.now()}-${i}`, args: [Number.MAX_SAFE_INTEGER, 0] }),
    ),
  );
  await Promise.all(handles.map((h) => h.executeUpdate(bareAct, { args: ['warm'] })));
  const latencies = new Latencies();
  const before = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    handles.map(async (h) => {
      for (let k = 0; k < updates; k++) {
        const t = performance.now();
        await h.executeUpdate(bareAct, { args: [`decision-${k}`] });
        latencies.add(performance.now() - t);
      }
    }),
  );
  const used = process.cpuUsage(before);
  const n = workflows * updates;
  await Promise.all(handles.map((h) => h.terminate()));
  return { cpuMs: (used.user + used.system) / 1000 / n, perSecond: (n / (performance.now() - t0)) * 1000, p50: latencies.pct(50) };
}

async function main() {
  const { rounds, workflows, updates } = counts({ rounds: 3, workflows: 16, updates: 60 });
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const temporal = await startTemporalDevServer({ port: await freePort() });
  const { worker, taskQueue } = await startBareWorker(temporal.address).catch(async (err) => {
    await temporal.stop(5000);
    throw err;
  });
  const grpcJs = await Connection.connect({ address: temporal.address });
  const native = await NativeConnection.connect({ address: temporal.address });
  const clients = { 'pure-JS gRPC (Connection)': new Client({ connection: grpcJs }), 'Rust (NativeConnection)': new Client({ connection: native }) };
  try {
    console.log(`${workflows} workflows at a time, ${updates} updates each a round; first round is warm-up`);
    for (let round = 0; round <= rounds; round++) {
      const line = [];
      for (const [name, client] of Object.entries(clients)) {
        const r = await cpuPerUpdate(client, taskQueue, workflows, updates);
        line.push(`${name} ${r.cpuMs.toFixed(2)} ms CPU (${Math.round(r.perSecond)}/s, p50 ${Math.round(r.p50)} ms)`);
      }
      console.log(`${round === 0 ? 'warm-up' : `round ${round}`}: client CPU per update: ${line.join(', ')}`);
    }
  } finally {
    await grpcJs.close();
    await native.close();
    await worker.stop(5000);
    await temporal.stop(5000);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
