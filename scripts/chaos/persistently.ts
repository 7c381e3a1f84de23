import { HttpClient, Reply } from '../../test/support/http';
import { setTimeout as sleep } from 'node:timers/promises';

/** What the callers heard while the system was under fire. */
export interface CallStats {
  calls: number;
  /** 503 answers, each with Retry-After (a missing one is counted in `no_retry_after`). */
  unavailable: number;
  noRetryAfter: number;
  /** No answer at all within the client's deadline: the API hung. */
  hung: number;
  /** The connection was refused or dropped (the API itself restarting is not part of the plan, so this should stay 0). */
  networkErrors: number;
  serverErrors: number;
}

export const newStats = (): CallStats => ({ calls: 0, unavailable: 0, noRetryAfter: 0, hung: 0, networkErrors: 0, serverErrors: 0 });

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent as Idempotency-Key, the same on every attempt, so a retry is applied at most once. */
  key?: string;
  /** How long one attempt may take before the caller calls it a hang. */
  deadlineMs: number;
  /** How long to keep trying through 503s and timeouts. */
  giveUpMs: number;
}

const RETRYABLE = new Set([0, 429, 502, 503, 504]);

/**
 * One request as a well-behaved client sends it: again after a 503 (waiting as Retry-After says,
 * within reason) or a timeout, with the same Idempotency-Key, until it gets a real answer.
 */
export async function persistently(http: HttpClient, stats: CallStats, method: string, path: string, o: CallOptions): Promise<Reply & { attempts: number }> {
  const end = Date.now() + o.giveUpMs;
  let last: Reply = { status: 0, body: undefined, headers: new Headers(), text: '' };
  for (let attempt = 1; ; attempt++) {
    stats.calls += 1;
    try {
      last = await http.call(method, path, {
        token: o.token,
        body: o.body,
        headers: o.key ? { 'idempotency-key': o.key } : undefined,
        timeoutMs: o.deadlineMs,
      });
    } catch (err) {
      const timedOut = (err as Error)?.name === 'TimeoutError';
      if (timedOut) stats.hung += 1;
      else stats.networkErrors += 1;
      last = { status: 0, body: undefined, headers: new Headers(), text: String(err) };
    }
    if (last.status === 503) {
      stats.unavailable += 1;
      if (!/^\d+$/.test(last.headers.get('retry-after') ?? '')) stats.noRetryAfter += 1;
    }
    if (last.status >= 500 && last.status !== 503) stats.serverErrors += 1;
    if (!RETRYABLE.has(last.status) || Date.now() >= end) return { ...last, attempts: attempt };
    const asked = Number(last.headers.get('retry-after')) * 1000;
    await sleep(Math.min(Number.isFinite(asked) && asked > 0 ? asked : 250 * attempt, 2000));
  }
}
