import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { countOutstanding } from '../../store/outstanding';
import { client } from '../../test/support/http';
import { check } from './check';
import { FAULT_KINDS, FaultKind, FaultLog, injectFaults, rng } from './faults';
import { Accepted, journey, JourneyBroken, JourneyContext } from './journey';
import { newStats } from './persistently';
import { inParallel } from '../bench/stats';
import { report } from './report';
import { startRig } from './rig';
import { setTimeout as sleep } from 'node:timers/promises';

const USAGE = `npm run chaos -- [--bases N] [--concurrency C] [--time-scale S] [--gap MIN-MAX] [--faults KIND,…] [--seed N] [--keep]
  --bases        bases driven through their lives (default 200)
  --concurrency  journeys at once (default 40)
  --time-scale   TIME_SCALE of the worker and API (default 500000: publicity ~1 s, a year of rectification ~63 s)
  --gap          seconds between faults, e.g. 6-12 (default)
  --faults       ${FAULT_KINDS.filter((k, i) => FAULT_KINDS.indexOf(k) === i).join(',')} (default: all, in turn)
  --seed         seed of the fault schedule (default: the time)
  --keep         keep the temporary directory (logs, databases) even when the run passes`;

const YEAR_MS = 365 * 864e5;
const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      bases: { type: 'string', default: '200' },
      concurrency: { type: 'string', default: '40' },
      'time-scale': { type: 'string', default: '500000' },
      gap: { type: 'string', default: '6-12' },
      faults: { type: 'string' },
      seed: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const bases = Number(values.bases);
  const concurrency = Number(values.concurrency);
  const timeScale = Number(values['time-scale']);
  const gap = values.gap.split('-').map((s) => Number(s) * 1000) as [number, number];
  const kinds = (values.faults?.split(',') ?? FAULT_KINDS) as FaultKind[];
  const seed = Number(values.seed ?? Date.now() % 1_000_000);
  if (![bases, concurrency, timeScale, ...gap, seed].every(Number.isFinite) || gap.length !== 2 || kinds.some((k) => !FAULT_KINDS.includes(k))) {
    console.error(USAGE);
    return 2;
  }

  say(`starting Temporal (SQLite file), PostgreSQL behind a TCP proxy, worker and API (TIME_SCALE ${timeScale}, seed ${seed})…`);
  // A short API deadline so a caller hears 503 soon while something is down, and retries.
  const rig = await startRig(timeScale, { REQUEST_TIMEOUT_MS: '5000', OBJECTIONS_PER_MINUTE: '1000000', LOG_LEVEL: 'warn', OUTSTANDING_SWEEP_MS: '1000' });
  let ok = false;
  const interrupted = () => void rig.stop(true).finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const http = client(rig.stack.url);
    for (let i = 0; i < 240 && (await http.get('/readyz').catch(() => ({ status: 0 }))).status !== 200; i++) await sleep(500);

    const started = Date.now();
    const accepted: Accepted[] = [];
    const stats = newStats();
    const c: JourneyContext = { http, stats, accepted, yearMs: YEAR_MS / timeScale, deadlineMs: 30_000, giveUpMs: 300_000 };
    const broken: string[] = [];
    const byEnd: Record<string, number> = {};
    let finished = 0;
    let journeysDone = false;
    const faulting: Promise<FaultLog> = injectFaults(rig, { done: () => journeysDone, random: rng(seed), gapMs: gap, kinds, say });
    await inParallel(Array.from({ length: bases }, (_, i) => i), concurrency, async (i) => {
      try {
        const r = await journey(c, i);
        byEnd[r.stage ?? '?'] = (byEnd[r.stage ?? '?'] ?? 0) + 1;
        finished += 1;
      } catch (err) {
        broken.push(err instanceof JourneyBroken ? err.message : String((err as Error)?.stack ?? err));
      }
      if ((finished + broken.length) % 20 === 0) say(`  ${finished + broken.length}/${bases} journeys done, ${accepted.length} decisions accepted`);
    });
    journeysDone = true;
    const faults = await faulting;
    // Let decisions still on their way land, and the sweep finish what a failed write left, before looking.
    await sleep(5000);
    let outstanding = 0;
    for (let i = 0; i < 30 && (outstanding = await countOutstanding(rig.stack.pool)) > 0; i++) await sleep(1000);
    say(`outstanding decisions left for the sweep: ${outstanding}`);

    say('checking every accepted decision against the histories, the event table and the read model…');
    const connection = await Connection.connect({ address: rig.temporalAddress });
    // Every base that got as far as a submission has an accepted decision: its life is checked.
    const baseIds = [...new Set(accepted.map((a) => a.baseId))];
    const findings = await check(rig.stack.pool, new Client({ connection }), baseIds, accepted, timeScale, faults.spans);
    await connection.close();
    const out = report({ bases, timeScale, seconds: (Date.now() - started) / 1000, journeys: { finished, broken, byEnd }, faults, calls: stats }, findings);
    console.log(out.text);
    ok = out.ok;
    return ok ? 0 : 1;
  } finally {
    if (!ok || values.keep) say(`logs and data kept in ${rig.tmp}`);
    await rig.stop(!ok || values.keep);
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
