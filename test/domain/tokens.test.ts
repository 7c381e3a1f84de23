import { signToken, TOKEN_LIFETIME_SEC, TokenClaims, verifyToken } from '../../api/auth';
import { TEXT_LIMITS } from '../../domain';
import { enc, sign } from '../support/jwt';

const SECRET = 'token-test-secret-0123456789abcdef';
const RULES = { secret: SECRET };
const token = () => signToken({ sub: 'bureau-1', name: '经办人', role: 'bureau_officer' }, SECRET);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('a token has one spelling', () => {
  test('as signed it is taken', () => {
    expect(verifyToken(token(), RULES)).toMatchObject({ sub: 'bureau-1', role: 'bureau_officer' });
  });

  test('a signature whose last character differs only in the bits no byte uses is refused', () => {
    const [head, body, sig] = token().split('.');
    const last = ALPHABET.indexOf(sig[sig.length - 1]);
    // 43 characters carry 258 bits of a 256-bit signature: the last character's two low bits are spare.
    const twin = `${sig.slice(0, -1)}${ALPHABET[last ^ 1]}`;
    expect(Buffer.from(twin, 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
    expect(() => verifyToken(`${head}.${body}.${twin}`, RULES)).toThrow(/bad signature/);
  });

  test('a signature with characters appended, or padded, is refused', () => {
    const t = token();
    expect(() => verifyToken(`${t}A`, RULES)).toThrow(/bad signature/);
    expect(() => verifyToken(`${t}=`, RULES)).toThrow(/bad signature/);
  });
});

describe('an issuer and an audience, where the deployment names them', () => {
  const OFFICER = { sub: 'bureau-1', name: '经办人', role: 'bureau_officer' };
  const signed = (extra: Partial<TokenClaims>) => signToken({ ...OFFICER, ...extra }, SECRET);
  const NAMED = { secret: SECRET, issuer: 'https://sso.zzkj.example', audience: 'coop-bases' };

  test('a token from that issuer, for this API, is taken', () => {
    expect(verifyToken(signed({ iss: NAMED.issuer, aud: NAMED.audience }), NAMED)).toMatchObject({ sub: 'bureau-1' });
  });

  test('an audience among several is enough', () => {
    expect(verifyToken(signed({ iss: NAMED.issuer, aud: ['portal', 'coop-bases'] }), NAMED)).toMatchObject({ sub: 'bureau-1' });
  });

  test.each([
    ['another issuer', { iss: 'https://elsewhere.example', aud: 'coop-bases' }, /not issued by https:\/\/sso\.zzkj\.example/],
    ['no issuer', { aud: 'coop-bases' }, /not issued by/],
    ['another service', { iss: 'https://sso.zzkj.example', aud: 'portal' }, /not for this API: aud does not include coop-bases/],
    ['no audience', { iss: 'https://sso.zzkj.example' }, /no aud; this API takes tokens for coop-bases/],
  ])('a token with %s is refused, saying which', (_, extra, why) => {
    expect(() => verifyToken(signed(extra), NAMED)).toThrow(why);
  });

  test('with none named, a token for some other service is still refused, and one naming nothing is taken', () => {
    expect(() => verifyToken(signed({ aud: 'portal' }), RULES)).toThrow(/names an audience \(aud\), and this API has none \(AUTH_JWT_AUDIENCE\)/);
    expect(verifyToken(signed({ iss: 'https://sso.zzkj.example' }), RULES)).toMatchObject({ sub: 'bureau-1' });
  });
});

describe('a token without exp, as the contract and RFC 7519 allow', () => {
  /** Signed as a library does when asked for no expiry: the claims as given, nothing added. */
  const bare = (claims: object) => sign('sha256', enc({ alg: 'HS256', typ: 'JWT' }), enc({ sub: 'bureau-1', name: '经办人', role: 'bureau_officer', ...claims }), SECRET);
  const now = 1_800_000_000;

  test('is taken for as long as a signed one lasts, counted from iat', () => {
    expect(verifyToken(bare({ iat: now - 60 }), RULES, now)).toMatchObject({ sub: 'bureau-1', role: 'bureau_officer' });
    expect(verifyToken(bare({ iat: now - TOKEN_LIFETIME_SEC + 60 }), RULES, now)).toMatchObject({ sub: 'bureau-1' });
    expect(() => verifyToken(bare({ iat: now - TOKEN_LIFETIME_SEC - 3600 }), RULES, now)).toThrow(/expired: without exp it is taken for 8 hours from iat/);
  });

  test('is refused when it says nothing of its time, or was issued in the future', () => {
    expect(() => verifyToken(bare({}), RULES, now)).toThrow(/neither when it expires \(exp\) nor when it was issued \(iat\)/);
    expect(() => verifyToken(bare({ iat: now + 3600 }), RULES, now)).toThrow(/issued in the future/);
  });

  test('an exp, where there is one, is what counts', () => {
    expect(() => verifyToken(bare({ iat: now - 60, exp: now - 3600 }), RULES, now)).toThrow(/^token expired$/);
    expect(verifyToken(bare({ iat: now - 2 * TOKEN_LIFETIME_SEC, exp: now + 60 }), RULES, now)).toMatchObject({ sub: 'bureau-1' });
  });
});

// The claims go into every event as the actor; an operator's signal names its actor within the
// same limits (domain/limits.ts), so a token must meet them too, no more and no less.
describe("a token's claims are held to the actor's limits in TEXT_LIMITS", () => {
  const claims: Record<string, TokenClaims> = {
    'actor.sub': { sub: 's', name: '经办人', role: 'bureau_officer' },
    'actor.name': { sub: 'bureau-1', name: 'n', role: 'bureau_officer' },
    'actor.org': { sub: 'applicant-1', name: '申报人', role: 'applicant', org: 'o' },
    'actor.district': { sub: 'district-1', name: '经办人', role: 'district_officer', district: 'd' },
  };
  const actorLimits = Object.entries(TEXT_LIMITS).filter(([path]) => path.startsWith('actor.'));
  test.each(actorLimits)('%s: %i characters taken, one more refused', (path, limit) => {
    const key = path.slice('actor.'.length) as keyof TokenClaims;
    const withLength = (n: number) => signToken({ ...claims[path], [key]: 'x'.repeat(n) }, SECRET);
    expect(verifyToken(withLength(limit), RULES)).toMatchObject({ [key]: 'x'.repeat(limit) });
    expect(() => verifyToken(withLength(limit + 1), RULES)).toThrow(/claims|token/);
  });
});
