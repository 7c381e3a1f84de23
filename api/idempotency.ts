import { createHash, createHmac, randomUUID } from 'node:crypto';
import { Request } from 'express';
import { isRequestKey, REQUEST_KEY_RULE } from '../domain';
import { invalid, Problem } from './problem';

/**
 * The key as sent. A route that must answer 404 or 403 first (the contract's order puts a bad
 * header among the 422s) reads it with this and checks it with `checkIdempotencyKey` afterwards.
 */
export const sentIdempotencyKey = (req: Request): string | undefined => req.get('Idempotency-Key');

export function checkIdempotencyKey(key: string | undefined): void {
  if (key !== undefined && !isRequestKey(key)) {
    throw invalid('bad Idempotency-Key header', [{ path: 'Idempotency-Key', message: REQUEST_KEY_RULE }], 'header');
  }
}

export function idempotencyKey(req: Request): string | undefined {
  const key = sentIdempotencyKey(req);
  checkIdempotencyKey(key);
  return key;
}

/** A stable id for a caller's key, so the same request maps to the same base or the same update. */
export function idFor(key: string | undefined, ...scope: string[]): string {
  if (key === undefined) return randomUUID();
  const h = createHash('sha256').update([...scope, key].join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A member of the public is known by address only as this hash: it names the objector and scopes
 * its key. Keyed with the server's secret, because a plain hash of an IPv4 address is undone by
 * hashing all four billion of them.
 */
export const addressHashOf = (secret: string, ip: string | undefined): string =>
  createHmac('sha256', secret).update(`objector-address\u0000${ip ?? ''}`).digest('hex').slice(0, 12);

/** JSON with its keys in order, so that the same body sent with its fields reordered is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What a keyed request asked for, from its parsed body: a resend must ask for the same. Unkeyed requests are never resent. */
export const fingerprintOf = (key: string | undefined, parsed: unknown): string | undefined =>
  key === undefined ? undefined : createHash('sha256').update(canonical(parsed)).digest('base64url');

/**
 * The key was first sent with another body. The IETF's Idempotency-Key draft answers this 422:
 * answered as the first request was, the caller would take a decision it never got for made.
 */
export function refuseReusedKey(first: string | undefined, fingerprint: string | undefined): void {
  if (first === undefined || fingerprint === undefined || first === fingerprint) return;
  throw new Problem(422, 'idempotency-key-reused', 'Idempotency-Key already used', 'this Idempotency-Key was first sent with a different body; a new request needs a new key', {
    errors: [{ path: 'Idempotency-Key', message: 'already used for a different request' }],
  });
}
