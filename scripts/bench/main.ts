import { parseArgs } from 'node:util';
import { historyFigures, runPhase } from './phase';
import { oursPath } from './ours';
import { barePath } from './bare';
import { compare, printComparison, writeJson } from './report';
import { runScale } from './scale';
import { startBench } from './stack';

const USAGE = `npm run bench -- [--bases N] [--concurrency C] [--warmup W] [--time-scale S] [--temporal-db FILE] [--json FILE]
npm run bench -- --scale N [--concurrency C] [--probe-concurrency P] [--temporal-db FILE] [--json FILE]`;

const PUBLICITY_MS = 7 * 86_400_000; // five working days, about a calendar week

async function main() {
  const { values } = parseArgs({
    options: {
      bases: { type: 'string', default: '300' },
      concurrency: { type: 'string', default: '32' },
      warmup: { type: 'string', default: '10' },
      'time-scale': { type: 'string', default: '300000' }, // publicity ≈ 2 s, longer than most decisions take
      scale: { type: 'string' },
      'probe-concurrency': { type: 'string', default: '4' },
      json: { type: 'string' },
      'temporal-db': { type: 'string' },
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

  console.error('starting Temporal dev server, PostgreSQL, worker and API…');
  const bench = await startBench(timeScale, values['temporal-db']);
  const stopOnSignal = () => void bench.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    if (values.scale !== undefined) {
      writeJson(values.json, await runScale(bench, num('scale'), concurrency, Math.max(1, num('probe-concurrency'))));
      return;
    }
    const { worker: bareWorker, taskQueue } = await bench.startBareWorker();
    const bare = barePath(bench.client, taskQueue, PUBLICITY_MS / timeScale);
    const ours = oursPath(bench.ours.url);
    const oursPids = () => ({ worker: bench.ours.worker.process.pid, api: bench.ours.api.process.pid });
    const barePids = () => ({ worker: bareWorker.process.pid });
    if (warmup) {
      await runPhase('warm-up bare', warmup, concurrency, bare, barePids);
      await runPhase('warm-up ours', warmup, concurrency, ours, oursPids);
    }
    const b = await runPhase('bare', bases, concurrency, bare, barePids);
    const o = await runPhase('ours', bases, concurrency, ours, oursPids);
    for (const p of [b, o]) {
      p.history = await historyFigures(bench.client, p.workflowIds);
      p.historyEventsPerBase = p.history.eventsPerBase;
    }
    const c = compare({ bases, concurrency, warmup, timeScale, node: process.version, cpus: (await import('node:os')).cpus().length }, o, b);
    printComparison(c);
    writeJson(values.json, c);
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
