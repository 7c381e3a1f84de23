import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { distFile } from '../../runtime/paths';
import { CURRENT_GENERATION, fromJson, loadFixtures } from '../../test/support/replay';
import { counts } from './options';

/**
 * CPU a worker spends replaying the recorded histories of today's generation through the bundle
 * the worker runs (a base brought back into the cache replays like this), against the same bundle
 * with V8's default stack depth instead of workflows/sandbox.ts's four frames, and against the
 * bundle as built with the SDK's execution timeout taken off its calls into the sandbox: Node runs
 * each call given a timeout beside a watchdog thread of its own, started and joined on every call.
 * The last is an experiment, not a setting: a worker without that timeout would let a workflow
 * stuck in a loop stall every other. Rounds alternate, in one process, so the machine's drift
 * touches all alike. It also counts the calls into the sandbox a decision makes, and, in a pass of
 * its own before the timed ones (a promise hook slows every promise), the promises the workflow
 * code creates, to each of which the SDK's own promise hook gives a source-mapped stack.
 *   npm run bench:replay [-- --rounds 3 --passes 15]
 */
const LIMIT = 'Error.stackTraceLimit = 4;';

const runInContext = vm.Script.prototype.runInContext;
let calls = 0;

/**
 * Counts every call into the sandbox; with `watchdog` false, drops the timeout the SDK passes. A
 * replay worker runs its workflows in this thread (the SDK's debug mode), so the patch reaches them.
 */
function intoSandbox(watchdog: boolean): void {
  vm.Script.prototype.runInContext = function (this: vm.Script, context, options) {
    calls += 1;
    return runInContext.call(this, context, watchdog ? options : { ...options, timeout: undefined });
  };
}

interface Variant {
  code: string;
  watchdog: boolean;
}

function replayAll(code: string, histories: temporal.api.history.v1.IHistory[], passes: number) {
  async function* all() {
    for (let p = 0; p < passes; p++) for (const [i, history] of histories.entries()) yield { workflowId: `replay-${p}-${i}`, history };
  }
  return Worker.runReplayHistories({ workflowBundle: { code }, replayName: `cost-${Math.random()}` }, all());
}

async function promisesPerUpdate(code: string, histories: temporal.api.history.v1.IHistory[], updates: number): Promise<number> {
  let promises = 0;
  // Only the sandbox's: its promises are made by its own realm's Promise, the worker's by this one's.
  const stop = v8.promiseHooks.onInit((promise) => {
    if (promise.constructor !== Promise) promises += 1;
  });
  try {
    for await (const r of replayAll(code, histories, 1)) if (r.error) throw r.error;
  } finally {
    stop();
  }
  return promises / updates;
}

async function cpuPerUpdate({ code, watchdog }: Variant, histories: temporal.api.history.v1.IHistory[], passes: number, updates: number): Promise<number> {
  intoSandbox(watchdog);
  const before = process.cpuUsage();
  for await (const r of replayAll(code, histories, passes)) if (r.error) throw r.error;
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
  const variants: Record<string, Variant> = {
    'four frames (as built)': { code: built, watchdog: true },
    'V8 default (ten)': { code: built.replace(LIMIT, ''), watchdog: true },
    'as built, no timeout (experiment)': { code: built, watchdog: false },
  };
  console.log(`${histories.length} runs of ${CURRENT_GENERATION}, ${updates} decisions each pass, ${passes} passes a round; first round is warm-up`);
  console.log(`${(await promisesPerUpdate(built, histories, updates)).toFixed(1)} promises in the sandbox a decision (a pass of its own, not timed)`);
  for (let round = 0; round <= rounds; round++) {
    const line = [];
    calls = 0;
    for (const [name, variant] of Object.entries(variants)) line.push(`${name} ${(await cpuPerUpdate(variant, histories, passes, updates)).toFixed(2)} ms`);
    const perDecision = calls / (Object.keys(variants).length * updates * passes);
    console.log(`${round === 0 ? 'warm-up' : `round ${round}`}: CPU per decision replayed: ${line.join(', ')}; ${perDecision.toFixed(1)} calls into the sandbox a decision`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
