import { RequestHandler } from 'express';
import { tooMany } from './problem';

/** A fixed one-minute window per client address; enough for a public form, kept in memory. */
export function rateLimit(perMinute: number): RequestHandler {
  const hits = new Map<string, { windowStart: number; n: number }>();
  return (req, _res, next) => {
    const now = Date.now();
    const key = req.ip ?? 'unknown';
    let h = hits.get(key);
    if (!h || now - h.windowStart >= 60_000) {
      if (hits.size > 10_000) for (const [k, v] of hits) if (now - v.windowStart >= 60_000) hits.delete(k);
      h = { windowStart: now, n: 0 };
      hits.set(key, h);
    }
    h.n += 1;
    if (h.n > perMinute) return next(tooMany(Math.ceil((h.windowStart + 60_000 - now) / 1000)));
    next();
  };
}
