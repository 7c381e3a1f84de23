import { enc, sign as signWith } from './jwt';
import { TEST_SECRET } from './stack';

const sign = (hash: string, head: string, body: string, secret = TEST_SECRET) => signWith(hash, head, body, secret);

/**
 * Tokens the API must refuse with 401, each for the reason its name gives. The claims are the
 * given caller's, so a refusal can only come from what was done to the token.
 */
export function forgedTokens(claims: Record<string, unknown>): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const good = { ...claims, iat: now, exp: now + 3600 };
  const hs256 = enc({ alg: 'HS256', typ: 'JWT' });
  const { exp: _exp, ...noExp } = good;
  void _exp;
  const { iat: _iat, ...noTime } = noExp;
  void _iat;
  return {
    'alg none': `${enc({ alg: 'none', typ: 'JWT' })}.${enc(good)}.`,
    'alg None': `${enc({ alg: 'None', typ: 'JWT' })}.${enc(good)}.`,
    'alg HS512': sign('sha512', enc({ alg: 'HS512', typ: 'JWT' }), enc(good)),
    'alg HS384': sign('sha384', enc({ alg: 'HS384', typ: 'JWT' }), enc(good)),
    'alg RS256 (HMAC-signed with the secret, the key-confusion attack)': sign('sha256', enc({ alg: 'RS256', typ: 'JWT' }), enc(good)),
    'no alg': sign('sha256', enc({ typ: 'JWT' }), enc(good)),
    'bad signature': sign('sha256', hs256, enc(good), 'another-secret-0123456789abcdef-0123456789'),
    'signature left off': `${hs256}.${enc(good)}.`,
    'claims changed after signing': `${hs256}.${enc({ ...good, role: 'admin' })}.${sign('sha256', hs256, enc(good)).split('.')[2]}`,
    expired: sign('sha256', hs256, enc({ ...good, iat: now - 7200, exp: now - 3600 })),
    'neither exp nor iat': sign('sha256', hs256, enc(noTime)),
    'no exp, issued nine hours ago': sign('sha256', hs256, enc({ ...noExp, iat: now - 9 * 3600 })),
    'no exp, issued in an hour': sign('sha256', hs256, enc({ ...noExp, iat: now + 3600 })),
    'exp not a number': sign('sha256', hs256, enc({ ...good, exp: String(now + 3600) })),
    'not valid yet': sign('sha256', hs256, enc({ ...good, nbf: now + 3600 })),
    'unknown role': sign('sha256', hs256, enc({ ...good, role: 'superuser' })),
    'applicant without org': sign('sha256', hs256, enc({ ...good, role: 'applicant', org: undefined })),
    'district officer without district': sign('sha256', hs256, enc({ ...good, role: 'district_officer', district: undefined })),
    'a name PostgreSQL cannot store (NUL)': sign('sha256', hs256, enc({ ...good, name: '区县\u0000经办人' })),
    'a sub with half a surrogate pair': sign('sha256', hs256, enc({ ...good, sub: 'district-\ud800' })),
    'two parts only': `${hs256}.${enc(good)}`,
    'not base64': 'not.a.token',
    'header JSON null': sign('sha256', Buffer.from('null').toString('base64url'), enc(good)),
    'header a JSON array': sign('sha256', Buffer.from('["HS256"]').toString('base64url'), enc(good)),
    'claims JSON null': sign('sha256', hs256, Buffer.from('null').toString('base64url')),
    'signature with characters appended': `${sign('sha256', hs256, enc(good))}!!**`,
    'claims not JSON': sign('sha256', hs256, Buffer.from('{"sub":').toString('base64url')),
  };
}

/** A token as a library signs one when asked for no expiry: the claims and iat, and no exp. */
export function tokenWithoutExp(claims: Record<string, unknown>): string {
  return sign('sha256', enc({ alg: 'HS256', typ: 'JWT' }), enc({ ...claims, iat: Math.floor(Date.now() / 1000) }));
}
