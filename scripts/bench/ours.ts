import { randomUUID } from 'node:crypto';
import { client, HttpClient, Reply, Send, staff } from '../../test/support/http';
import { rate, submit, TestBase, toPublicity } from '../../test/support/journeys';
import { workflowIdOf } from '../../workflows/ids';
import { keptAlive } from './http-agent';
import type { Path } from './phase';
import { Latencies } from './stats';

/**
 * The same client, with every request that makes a decision (POST) timed into `lat`. A 503
 * (the API's deadline passed, which an overloaded machine reaches) is retried under the same
 * Idempotency-Key, so it stays one decision, and its latency runs until the answer.
 */
export function timedClient(http: HttpClient, lat: Latencies): HttpClient {
  const timed =
    <A extends unknown[]>(fn: (...a: [...A, Record<string, string> | undefined]) => Promise<Reply>, arity: number, kindOf: (a: A) => string) =>
    async (...a: A): Promise<Reply> => {
      const args = Array.from({ length: arity }, (_, i) => a[i]) as unknown as A; // undefined keeps a default
      const headers = { 'Idempotency-Key': randomUUID(), ...(a[arity] as Record<string, string> | undefined) };
      const t0 = performance.now();
      for (let attempt = 1; ; attempt++) {
        const r = await fn(...args, headers);
        if (r.status === 503 && attempt < RETRIES_ON_503) {
          lat.retries += 1;
          continue;
        }
        if (r.status >= 300) lat.errors += 1;
        else {
          const kind = kindOf(a);
          lat.add(performance.now() - t0, kind);
          lat.addServerTiming(r.headers.get('server-timing'), kind === 'submit' ? 'submission' : 'decision');
        }
        return r;
      }
    };
  return { ...http, post: timed(http.post, 3, () => 'submit'), act: timed(http.act, 4, (a) => String(a[2])) };
}

const RETRIES_ON_503 = 5;

/** The five decisions to publicity; under load the window can close before the approval's answer, whose view then says certified. */
export async function toPublicityOrBeyond(h: HttpClient, b: TestBase): Promise<void> {
  await toPublicity(h, b).catch((err) => {
    if (!/^Error: approve_candidate answered 200 .*"stage":"certified"/.test(String(err))) throw err;
  });
}

/**
 * A base's life over HTTP: submit, recommend, two reviews, conclude, approve (5 + 1 decisions),
 * publicity closing by itself, certified, one evaluation round rated qualified (3 decisions).
 */
export function oursPath(url: string, send: Send = keptAlive()): Path {
  const http = client(url, send);
  return async (_i, decisions) => {
    const h = timedClient(http, decisions);
    const b = await submit(h);
    await toPublicityOrBeyond(h, b);
    await h.waitStage(b.id, staff.officer(), 'certified');
    const r = await rate(h, b, 'qualified');
    if (r.status !== 200 || r.body.stage !== 'certified') throw new Error(`rate answered ${r.status} ${r.text}`);
    return workflowIdOf(b.id);
  };
}
