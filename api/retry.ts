import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Calls `send` until it succeeds, fails in a way that is not `transient`, or the next pause
 * (doubling from `firstPauseMs`) would end past `end`; then the last error is thrown.
 */
export async function retryUntil<T>(
  end: number,
  transient: (err: unknown) => boolean,
  firstPauseMs: number,
  send: () => Promise<T>,
  onRetry?: (err: unknown, pauseMs: number) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      const pause = firstPauseMs * 2 ** Math.min(attempt, 4);
      if (!transient(err) || Date.now() + pause >= end) throw err;
      onRetry?.(err, pause);
      await sleep(pause);
    }
  }
}
