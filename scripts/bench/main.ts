import { parseArgs } from 'node:util';
import { historyFigures, Path, PhaseResult, runPhase } from './phase';
import { oursPath } from './ours';
import { barePath, bareTimerMs } from './bare';
import { compare, Comparison, medianRound, printComparison, printRounds, roundsJson, writeJson } from './report';
import { applyLayout, parseLayout } from './layout';
import { runScale } from './scale';
import { parseServer, startBench } from './stack';

const USAGE = `npm run bench -- [--bases N] [--concurrency C] [--warmup W] [--rounds R] [--time-scale S] [--layout shared|split] [--server dev|cluster] [--temporal-db FILE] [--json FILE]
npm run bench -- --scale N [--concurrency C] [--probe-concurrency P] [--layout shared|split] [--server dev|cluster] [--temporal-db FILE] [--json FILE]`;

async function main() {
  const { values } = parseArgs({
    options: {
      bases: { type: 'string', default: '300' },
      concurrency: { type: 'string', default: '32' },
      warmup: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '2' }, // a pair: each side first once
      'time-scale': { type: 'string', default: '300000' }, // publicity 1.3-1.9 s by weekday, longer than most decisions take
      scale: { type: 'string' },
      'probe-concurrency': { type: 'string', default: '4' },
      json: { type: 'string' },
      'temporal-db': { type: 'string' },
      layout: { type: 'string', default: 'shared' },
      server: { type: 'string', default: 'dev' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  const num = (name: keyof typeof values) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} wants a number\n${USAGE}`);
    return n;
  };
  const bases = num('bases');
  const concurrency = Math.max(1, num('concurrency'));
  const warmup = num('warmup');
  const timeScale = num('time-scale');
  const rounds = Math.max(1, Math.floor(num('rounds')));
  const layout = parseLayout(values.layout);
  // The scale run restarts its worker, which would come back on the front cores.
  if (layout !== 'shared' && values.scale !== undefined) throw new Error(`--layout split compares the two sides; --scale runs ours alone\n${USAGE}`);

  const server = parseServer(values.server);
  if (server === 'cluster' && values['temporal-db']) throw new Error(`--temporal-db is the dev server's file; the cluster keeps Temporal in PostgreSQL\n${USAGE}`);
  // Split pins the Temporal server, but the cluster's history and visibility writes run in PostgreSQL's backends.
  if (server === 'cluster' && layout !== 'shared') throw new Error(`--layout split pins the dev server; the cluster's Temporal work is partly PostgreSQL's\n${USAGE}`);

  console.error(`starting Temporal (${server === 'dev' ? 'the CLI\'s dev server' : 'the server on PostgreSQL'}), PostgreSQL, worker and API…`);
  const bench = await startBench(timeScale, { server, temporalDb: values['temporal-db'] });
  const stopOnSignal = () => void bench.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    if (values.scale !== undefined) {
      writeJson(values.json, await runScale(bench, num('scale'), concurrency, Math.max(1, num('probe-concurrency'))));
      return;
    }
    const { worker: bareWorker, taskQueue } = await bench.startBareWorker();
    const where = applyLayout(layout, [bench.ours.worker.process.pid!, bareWorker.process.pid!]);
    if (where) console.error(`layout split: ${where}`);
    // The window is looked up once for a warm-up and its phase; each gets a path of its own, because
    // bare's workflow ids are the path's and a later phase must not find an earlier one's.
    const barePaths = async () => {
      const timerMs = await bareTimerMs(bench.ours.pool, timeScale);
      console.error(`bare's timer: ${Math.round(timerMs)} ms, as ours' publicity window for an approval now`);
      return () => barePath(bench.client, taskQueue, timerMs);
    };
    const ours = oursPath(bench.ours.url);
    const oursPids = () => ({ worker: bench.ours.worker.process.pid, api: bench.ours.api.process.pid });
    const barePids = () => ({ worker: bareWorker.process.pid });
    // Each side warms up right before its own phase, not once at the start: a side that sat idle
    // through the other's phase answered slower for a while (bare's p99 by a third, runs IA-IC).
    const warmThen = async (label: string, path: () => Path, pids: () => Record<string, number | undefined>) => {
      if (warmup) await runPhase(`warm-up ${label}`, warmup, concurrency, path(), pids);
      return runPhase(label, bases, concurrency, path(), pids);
    };
    const settings = { bases, concurrency, warmup, rounds, timeScale, layout, server, node: process.version, cpus: (await import('node:os')).cpus().length };
    const runs: Comparison[] = [];
    for (let i = 0; i < rounds; i++) {
      // Each round alternates which side goes first: a machine warming up or slowing down favours neither.
      const tag = rounds > 1 ? ` ${i + 1}/${rounds}` : '';
      const runBare = async () => warmThen(`bare${tag}`, await barePaths(), barePids);
      const runOurs = () => warmThen(`ours${tag}`, () => ours, oursPids);
      let b: PhaseResult, o: PhaseResult;
      const first = i % 2 === 0 ? 'bare' : 'ours';
      if (first === 'bare') {
        b = await runBare();
        o = await runOurs();
      } else {
        o = await runOurs();
        b = await runBare();
      }
      for (const p of [b, o]) {
        p.history = await historyFigures(bench.client, p.workflowIds);
        p.historyEventsPerBase = p.history.eventsPerBase;
      }
      runs.push(compare(settings, o, b, first));
    }
    const c = medianRound(runs);
    printComparison(c);
    if (rounds > 1) printRounds(runs);
    writeJson(values.json, roundsJson(c, runs));
  } finally {
    await bench.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err?.stack ?? err);
    process.exit(1);
  },
);
