import { client, HttpClient, INDICATORS, staff, today } from '../../test/support/http';
import { submit } from '../../test/support/journeys';
import { workflowIdOf } from '../../workflows/ids';
import { keptAlive } from './http-agent';
import { runPhase } from './phase';
import { timedClient, toPublicityOrBeyond } from './ours';
import { Bench } from './stack';
import { inParallel, Latencies, memoryOf, progress, round } from './stats';

const SAMPLE_DECISIONS = 300;
const SAMPLE_READS = 20;
const RESTART_SAMPLE = 200; // bases per restart, each answering one decision

const pick = <T>(xs: T[], n: number): T[] => {
  const copy = [...xs];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n);
};

/**
 * A city after some years: `n` certified bases, each a live workflow, opened `concurrency` at a
 * time. Then what users meet at that size (`probeConcurrency` of them at once: this measures
 * size, not load), and how long a restarted worker takes to serve them all again.
 */
export async function runScale(bench: Bench, n: number, concurrency: number, probeConcurrency: number) {
  const { ours } = bench;
  const url = ours.url;
  const http = client(url, keptAlive());
  const bases: { id: string; token: string }[] = [];
  const workerPid = () => ours.worker.process.pid;
  const pids = () => ({ worker: workerPid(), api: ours.api.process.pid });

  // A lane does not wait out each publicity window (polling would cost more than the decisions):
  // the windows close by themselves meanwhile, and the count of certified bases is awaited after.
  const open = await runPhase('open', n, concurrency, async (_i, decisions) => {
    const h = timedClient(http, decisions);
    const b = await submit(h);
    await toPublicityOrBeyond(h, b);
    bases.push({ id: b.id, token: b.token });
    return workflowIdOf(b.id);
  }, pids);
  const certifiedSec = await allCertified(http, bases.length);
  const afterOpen = memoryOf(workerPid()!);
  console.error(`opened ${bases.length} bases in ${open.wallSec} s, all certified ${certifiedSec} s later; worker RSS ${afterOpen?.rssMb} MB`);

  // This year's report is the one decision every certified base can make, once: each sample takes bases of its own.
  const year = Number(today().slice(0, 4));
  const shuffled = pick(bases, bases.length);
  const sampleSize = Math.min(SAMPLE_DECISIONS, Math.floor(bases.length / 3));
  const forDecisions = shuffled.slice(0, sampleSize);
  const restartSample = shuffled.slice(sampleSize, sampleSize + 2 * RESTART_SAMPLE);

  /** One annual report on a base, retried while the API answers 503 (no worker yet). */
  const annualReport = async (b: (typeof bases)[number], lat: Latencies, untilOk = false) => {
    for (;;) {
      const t0 = performance.now();
      // The key makes a retry after a 503 the same decision, answered again, not a second report.
      const r = await http.act(b.id, b.token, 'submit_annual_report', { year, indicators: INDICATORS }, { 'Idempotency-Key': `annual-${b.id}` });
      if (r.status === 200) return lat.add(performance.now() - t0);
      if (!untilOk || r.status !== 503) {
        lat.errors += 1;
        throw new Error(`submit_annual_report answered ${r.status} ${r.text}`);
      }
    }
  };

  const decisions = new Latencies();
  const stopDecisions = progress('decisions', () => `${decisions.ms.length}/${forDecisions.length} · p99 ${round(decisions.pct(99))} ms`);
  await inParallel(forDecisions, probeConcurrency, (b) => annualReport(b, decisions).catch(() => undefined)).finally(stopDecisions);
  console.error(`decisions at ${n} bases: ${JSON.stringify(decisions.summary())}`);

  /** A read, timed into `lat` when it answers 200. */
  const read = async (lat: Latencies, path: string, token: string) => {
    const t0 = performance.now();
    const r = await http.get(path, token);
    if (r.status === 200) lat.add(performance.now() - t0);
    else (lat.errors += 1), console.error(`GET ${path} answered ${r.status}`);
    return r.body;
  };

  const lists = new Latencies();
  const pages = Math.max(1, Math.ceil(bases.length / 20));
  let listed = 0;
  for (let i = 0; i < SAMPLE_READS; i++) {
    const body = await read(lists, `/api/bases?stage=certified&page=${1 + Math.floor(Math.random() * pages)}&pageSize=20`, staff.officer());
    listed = body?.total ?? listed;
  }
  console.error(`list query (${listed} certified): ${JSON.stringify(lists.summary())}`);

  const histories = new Latencies();
  let entries = 0;
  for (const b of pick(bases, SAMPLE_READS)) entries = (await read(histories, `/api/bases/${b.id}/history`, staff.admin()))?.entries?.length ?? entries;
  console.error(`history read (${entries} entries): ${JSON.stringify(histories.summary())}`);
  const beforeRestart = memoryOf(workerPid()!);

  /** Stops the worker, starts a new one, and times the first decision and then a sample of bases. */
  const restart = async (how: 'crash' | 'graceful', sample: typeof bases) => {
    if (!sample.length) return undefined;
    await (how === 'crash' ? ours.worker.kill() : ours.worker.stop());
    const t0 = performance.now();
    await ours.startWorker();
    const lat = new Latencies();
    const [first, ...rest] = sample;
    await annualReport(first, lat, true);
    const firstDecisionMs = round(performance.now() - t0);
    console.error(`after a ${how} restart the new worker answered a first decision in ${firstDecisionMs} ms`);
    const stop = progress(`after ${how} restart`, () => `${lat.ms.length}/${sample.length} bases answered`);
    await inParallel(rest, probeConcurrency, (b) => annualReport(b, lat, true).catch(() => undefined)).finally(stop);
    return { firstDecisionMs, sampledBases: sample.length, allSampledAnsweredMs: round(performance.now() - t0), decisions: lat.summary(), workerRssMb: memoryOf(workerPid()!) };
  };
  // A crash first: the new worker starts with an empty cache and must replay each base it serves,
  // and the server still routes each base's next task to the dead worker's sticky queue.
  const crash = await restart('crash', restartSample.slice(0, RESTART_SAMPLE));
  const graceful = await restart('graceful', restartSample.slice(RESTART_SAMPLE));

  const { workflowIds: _ids, ...opening } = open;
  const result = {
    settings: { scale: n, concurrency, probeConcurrency, node: process.version },
    open: { ...opening, allCertifiedAfterSec: certifiedSec },
    workerRssMb: { afterOpen, beforeRestart },
    decision: decisions.summary(),
    listQuery: { ...lists.summary(), total: listed },
    historyRead: { ...histories.summary(), entries },
    restart: { crash, graceful },
  };
  console.log(JSON.stringify(result, null, 2));
  return result;
}

/** Seconds until the read model counts `n` certified bases. */
async function allCertified(http: HttpClient, n: number, timeoutMs = 30 * 60_000): Promise<number> {
  const t0 = performance.now();
  const stop = progress('certifying', () => `${certified}/${n} certified`);
  let certified = 0;
  try {
    while (certified < n) {
      if (performance.now() - t0 > timeoutMs) throw new Error(`only ${certified} of ${n} bases certified after ${timeoutMs} ms`);
      certified = (await http.get('/api/bases?stage=certified&pageSize=1', staff.officer())).body?.total ?? certified;
      if (certified < n) await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    stop();
  }
  return round((performance.now() - t0) / 1000);
}
