import { readFileSync } from 'node:fs';
import type { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { distFile } from '../../runtime/paths';
import { CURRENT_GENERATION, fromJson, loadFixtures } from '../../test/support/replay';
import { counts } from './options';

/**
 * CPU a worker spends replaying the recorded histories of today's generation through the bundle
 * the worker runs (a base brought back into the cache replays like this), against the same bundle
 * with V8's default stack depth instead of workflows/sandbox.ts's four frames. Rounds alternate,
 * in one process, so the machine's drift touches both alike.
 *   npm run bench:replay [-- --rounds 3 --passes 15]
 */
const LIMIT = 'Error.stackTraceLimit = 4;';

async function cpuPerUpdate(code: string, histories: temporal.api.history.v1.IHistory[], passes: number, updates: number): Promise<number> {
  async function* all() {
    for (let p = 0; p < passes; p++) for (const [i, history] of histories.entries()) yield { workflowId: `replay-${p}-${i}`, history };
  }
  const before = process.cpuUsage();
  for await (const r of Worker.runReplayHistories({ workflowBundle: { code }, replayName: `cost-${Math.random()}` }, all())) {
    if (r.error) throw r.error;
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / (updates * passes);
}

async function main() {
  const { rounds, passes } = counts({ rounds: 3, passes: 15 });
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const histories = loadFixtures()
    .filter((f) => f.generation === CURRENT_GENERATION)
    .flatMap((f) => f.runs.map((r) => fromJson(r.history)));
  const updates = histories.reduce((n, h) => n + (h.events ?? []).filter((e) => e.workflowExecutionUpdateCompletedEventAttributes).length, 0);
  const built = readFileSync(distFile('workflow-bundle.js'), 'utf8');
  if (!built.includes(LIMIT)) throw new Error(`the bundle does not set ${LIMIT}`);
  const bundles = { 'four frames (as built)': built, 'V8 default (ten)': built.replace(LIMIT, '') };
  console.log(`${histories.length} runs of ${CURRENT_GENERATION}, ${updates} decisions each pass, ${passes} passes a round; first round is warm-up`);
  for (let round = 0; round <= rounds; round++) {
    const line = [];
    for (const [name, code] of Object.entries(bundles)) line.push(`${name} ${(await cpuPerUpdate(code, histories, passes, updates)).toFixed(2)} ms`);
    console.log(`${round === 0 ? 'warm-up' : `round ${round}`}: CPU per decision replayed: ${line.join(', ')}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
