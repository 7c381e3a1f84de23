import { client, HttpClient, Send, staff } from '../../test/support/http';
import { submit } from '../../test/support/journeys';
import { cpuByPart } from './cpu';
import { keptAlive } from './http-agent';
import { counts } from './options';
import { oursPath } from './ours';
import { inLanes, Latencies } from './stats';
import { startBench } from './stack';

/**
 * What one request costs ours' API in CPU: a base's whole life over HTTP (the bench's ours path,
 * its decisions and its polling GETs counted apart) a few bases at a time, and then the GET that
 * polls a base, back to back, alone. A request costs the API less CPU the more of them arrive
 * together, so each is measured at more than one concurrency.
 *   npm run bench:api [-- --bases 32 --gets 2000]
 */
async function main() {
  const { bases, gets } = counts({ bases: 32, gets: 2000 });
  const bench = await startBench(300_000, { server: 'dev' });
  try {
    const pids = { api: bench.ours.api.process.pid, worker: bench.ours.worker.process.pid };
    const sent = { GET: 0, POST: 0 };
    const send = keptAlive();
    const counting: Send = (url, init) => {
      sent[init.method as keyof typeof sent] += 1;
      return send(url, init);
    };
    const life = oursPath(bench.ours.url, counting);
    /** CPU ms of ours' API and worker over `work` (cpuSince would round to a tenth of a second). */
    const measure = async (work: () => Promise<unknown>) => {
      const before = cpuByPart(pids);
      sent.GET = sent.POST = 0;
      await work();
      const after = cpuByPart(pids);
      return { api: (after.api - before.api) * 1000, worker: (after.worker - before.worker) * 1000 };
    };
    const lives = (n: number, at: number) => inLanes(n, at, (i) => life(i, new Latencies()));
    await lives(bases, 4); // warm-up
    for (const at of [1, 4, 16]) {
      const cpu = await measure(() => lives(bases, at));
      const perBase = sent.GET / bases;
      console.log(
        `${bases} lives, ${at} at a time: ${sent.POST} decisions and ${sent.GET} polling GETs (${perBase.toFixed(1)} a base); ` +
          `CPU ms a decision with its GETs: API ${(cpu.api / sent.POST).toFixed(2)}, worker ${(cpu.worker / sent.POST).toFixed(2)}`,
      );
    }
    const h: HttpClient = client(bench.ours.url, send);
    const base = await submit(h);
    const token = staff.officer();
    for (const at of [1, 8]) {
      const cpu = await measure(() => inLanes(gets, at, () => h.get(`/api/bases/${base.id}`, token)));
      console.log(`GET /api/bases/{id}, ${at} at a time: API ${(cpu.api / gets).toFixed(2)} ms CPU a GET`);
    }
  } finally {
    await bench.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
