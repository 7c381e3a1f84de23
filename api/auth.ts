import { createHmac, timingSafeEqual } from 'node:crypto';
import { RequestHandler } from 'express';
import { z } from 'zod';
import { Actor, ROLES, storable, STORABLE, TEXT_LIMITS } from '../domain';
import { unauthorized } from './problem';

const CLOCK_SKEW_SEC = 30;
/** How long a token without exp is taken from its iat: as long as `npm run token` signs one for. */
export const TOKEN_LIFETIME_SEC = 8 * 3600;

const claimsSchema = z
  .object({
    // Claims go into every event and the base's state: one PostgreSQL cannot store would stall the base.
    sub: z.string().min(1).max(TEXT_LIMITS['actor.sub']).refine(storable, `sub ${STORABLE}`),
    name: z.string().min(1).max(TEXT_LIMITS['actor.name']).refine(storable, `name ${STORABLE}`),
    role: z.enum(ROLES),
    org: z.string().max(TEXT_LIMITS['actor.org']).refine(storable, `org ${STORABLE}`).optional(),
    district: z.string().max(TEXT_LIMITS['actor.district']).refine(storable, `district ${STORABLE}`).optional(),
    exp: z.number().optional(),
    nbf: z.number().optional(),
    iat: z.number().optional(),
    iss: z.string().optional(),
    aud: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .refine((c) => c.role !== 'applicant' || !!c.org, 'an applicant token carries org')
  .refine((c) => c.role !== 'district_officer' || !!c.district, 'a district officer token carries district');

// Node's base64url decoder skips what is not base64url: a part is checked whole first, so that one
// token has one spelling (a signature with characters appended is not the signature).
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const b64json = (part: string): unknown => {
  if (!BASE64URL.test(part)) throw new SyntaxError('not base64url');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
};
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a token must satisfy besides its signature: an issuer and an audience, where the deployment names them. */
export interface TokenRules {
  secret: string;
  issuer?: string;
  audience?: string;
}

/**
 * A token minted for another service that shares the secret names that service in `aud`: RFC 7519
 * has a token whose audience does not include the recipient refused, and an API with no audience of
 * its own is in no token's.
 */
function audienceProblem(aud: string | string[] | undefined, audience: string | undefined): string | undefined {
  if (aud === undefined) return audience === undefined ? undefined : `token has no aud; this API takes tokens for ${audience}`;
  if (audience === undefined) return 'token names an audience (aud), and this API has none (AUTH_JWT_AUDIENCE) to be in it';
  return (Array.isArray(aud) ? aud : [aud]).includes(audience) ? undefined : `token is not for this API: aud does not include ${audience}`;
}

/**
 * HS256 only: `alg: none` and every other algorithm are refused. The contract names no exp (RFC
 * 7519 has it optional, and some libraries sign none unless asked), so a token without one is taken
 * for TOKEN_LIFETIME_SEC from its iat; a token with neither would be good for ever, and is refused.
 */
export function verifyToken(token: string, rules: TokenRules, nowSec = Date.now() / 1000): Actor {
  const { secret } = rules;
  const parts = token.split('.');
  if (parts.length !== 3) throw unauthorized('malformed token');
  let header: unknown;
  let payload: unknown;
  try {
    header = b64json(parts[0]);
    payload = b64json(parts[1]);
  } catch {
    throw unauthorized('malformed token');
  }
  if (!isObject(header)) throw unauthorized('malformed token');
  if (header.alg !== 'HS256') throw unauthorized('only HS256 tokens are accepted');
  // Compared as text: the last of a signature's 43 characters carries two bits no byte uses, and a
  // comparison of the decoded bytes would take four spellings of one signature.
  const expected = Buffer.from(createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest('base64url'));
  const given = Buffer.from(parts[2]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthorized('bad signature');
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw unauthorized(`bad claims: ${claims.error.issues.map((i) => i.message).join('; ')}`);
  const c = claims.data;
  if (c.exp === undefined) {
    if (c.iat === undefined) throw unauthorized('token says neither when it expires (exp) nor when it was issued (iat)');
    if (c.iat > nowSec + CLOCK_SKEW_SEC) throw unauthorized('token issued in the future (iat)');
    if (c.iat + TOKEN_LIFETIME_SEC < nowSec - CLOCK_SKEW_SEC) throw unauthorized(`token expired: without exp it is taken for ${TOKEN_LIFETIME_SEC / 3600} hours from iat`);
  } else if (c.exp < nowSec - CLOCK_SKEW_SEC) throw unauthorized('token expired');
  if (c.nbf !== undefined && c.nbf > nowSec + CLOCK_SKEW_SEC) throw unauthorized('token not yet valid');
  if (rules.issuer !== undefined && c.iss !== rules.issuer) throw unauthorized(`token not issued by ${rules.issuer} (iss)`);
  const audience = audienceProblem(c.aud, rules.audience);
  if (audience) throw unauthorized(audience);
  return { sub: c.sub, name: c.name, role: c.role, org: c.org, district: c.district };
}

export type TokenClaims = Omit<Actor, 'role'> & { role: string; iss?: string; aud?: string | string[] };

export function signToken(claims: TokenClaims, secret: string, ttlSec = TOKEN_LIFETIME_SEC): string {
  const now = Math.floor(Date.now() / 1000);
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = enc({ alg: 'HS256', typ: 'JWT' });
  const body = enc({ ...claims, iat: now, exp: now + ttlSec });
  return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
}

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
  }
}

export function requireActor(rules: TokenRules): RequestHandler {
  return (req, _res, next) => {
    const h = req.headers.authorization;
    if (!h) return next(unauthorized('send Authorization: Bearer <token>'));
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    if (!m) return next(unauthorized('send Authorization: Bearer <token>'));
    req.actor = verifyToken(m[1], rules);
    next();
  };
}
