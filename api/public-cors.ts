import { RequestHandler } from 'express';

/**
 * What the bureau's own website may call from a visitor's browser on another origin: the list of
 * bases in publicity, the districts, the holiday schedules and the objection form, which need no
 * account. Nothing that takes a token is shared, and no credentials are: a page elsewhere gets no
 * more than a visitor typing the address would.
 */
const PUBLIC_READS = [/^\/api\/publicity$/, /^\/api\/districts$/, /^\/api\/calendar\/[^/]+$/];
const OBJECTIONS = /^\/api\/bases\/[^/]+\/objections$/;
const PREFLIGHT_MAX_AGE_SEC = 600;

const isPublic = (method: string, path: string): boolean =>
  ((method === 'GET' || method === 'HEAD') && PUBLIC_READS.some((p) => p.test(path))) || (method === 'POST' && OBJECTIONS.test(path));

export function publicCors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.get('origin');
    if (!allowed.size || !origin) return next();
    const preflight = req.method === 'OPTIONS' && req.get('access-control-request-method') !== undefined;
    const method = preflight ? String(req.get('access-control-request-method')) : req.method;
    if (!isPublic(method, req.path)) return next();
    res.vary('Origin');
    if (!allowed.has(origin)) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (!preflight) {
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
      return next();
    }
    res.setHeader('Access-Control-Allow-Methods', method);
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Idempotency-Key');
    res.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SEC));
    res.status(204).end();
  };
}
