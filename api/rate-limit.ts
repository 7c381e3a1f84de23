import { isIPv4, isIPv6 } from 'node:net';
import { RequestHandler } from 'express';
import { tooMany } from './problem';

const WINDOW_MS = 60_000;
/** Clients counted at once; past it, a flood from many addresses makes newcomers wait, not the heap grow. */
export const MAX_CLIENTS = 100_000;

/** An IPv6 address's eight groups, `::` expanded. */
function ipv6Groups(ip: string): string[] {
  const [head, tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return groups.map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}

/**
 * The client an address stands for. One subscriber is given a whole IPv6 /64 and can send from any
 * address in it, so IPv6 is counted by its /64; IPv4 (mapped into IPv6 too) address by address.
 */
export function clientOf(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (isIPv4(ip)) return ip;
  const bare = ip.replace(/%.*$/, '');
  if (!isIPv6(bare)) return ip;
  return `${ipv6Groups(bare).slice(0, 4).join(':')}::/64`;
}

/**
 * A one-minute window a client, opened by its first request. Windows live in two generations
 * swapped each minute, so a client silent for two minutes is forgotten without scanning anyone.
 */
export class MinuteCounter {
  private current = new Map<string, { start: number; n: number }>();
  private previous = new Map<string, { start: number; n: number }>();
  private rotatedAt = -Infinity;

  constructor(
    private readonly perMinute: number,
    private readonly maxClients = MAX_CLIENTS,
    /** Past capacity: make newcomers wait, or let them through uncounted (a finer count behind a coarser one). */
    private readonly whenFull: 'wait' | 'pass' = 'wait',
  ) {}

  /** Seconds the client should wait, or 0 if this request is let through. */
  hit(client: string, now: number): number {
    if (now - this.rotatedAt >= WINDOW_MS) {
      this.previous = this.current;
      this.current = new Map();
      this.rotatedAt = now;
    }
    let h = this.current.get(client) ?? this.previous.get(client);
    if (!h || now - h.start >= WINDOW_MS) {
      if (!this.current.has(client) && this.current.size >= this.maxClients) return this.whenFull === 'pass' ? 0 : secondsUntil(this.rotatedAt + WINDOW_MS, now);
      h = { start: now, n: 0 };
    }
    this.current.set(client, h);
    h.n += 1;
    return h.n > this.perMinute ? secondsUntil(h.start + WINDOW_MS, now) : 0;
  }
}

const secondsUntil = (at: number, now: number) => Math.max(1, Math.ceil((at - now) / 1000));

/** How many times one base's limit a client may send across all bases in a minute. */
export const ACROSS_BASES = 10;

/**
 * Kept in memory: enough for a public form on one API process. Counted by client and base (a person
 * may well object to several of the bases a list puts up for publicity), and by client across all
 * bases at ACROSS_BASES times that, so that ids made up one by one do not escape the count. Made-up
 * ids could still fill the pairs' table from a thousand addresses; past its capacity only the count
 * across bases holds, so such a flood does not shut the form to everyone else (filling that count's
 * own table takes as many clients as it holds).
 */
export function rateLimitByBase(perMinute: number, capacity = MAX_CLIENTS): RequestHandler {
  const perBase = new MinuteCounter(perMinute, capacity, 'pass');
  const overall = new MinuteCounter(perMinute * ACROSS_BASES, capacity);
  return (req, _res, next) => {
    const client = clientOf(req.ip);
    const now = Date.now();
    const wait = overall.hit(client, now) || perBase.hit(`${client} ${String(req.params.id)}`, now);
    next(wait ? tooMany(wait) : undefined);
  };
}
