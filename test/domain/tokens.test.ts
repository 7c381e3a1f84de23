import { signToken, verifyToken } from '../../api/auth';

const SECRET = 'token-test-secret-0123456789abcdef';
const token = () => signToken({ sub: 'bureau-1', name: '经办人', role: 'bureau_officer' }, SECRET);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('a token has one spelling', () => {
  test('as signed it is taken', () => {
    expect(verifyToken(token(), SECRET)).toMatchObject({ sub: 'bureau-1', role: 'bureau_officer' });
  });

  test('a signature whose last character differs only in the bits no byte uses is refused', () => {
    const [head, body, sig] = token().split('.');
    const last = ALPHABET.indexOf(sig[sig.length - 1]);
    // 43 characters carry 258 bits of a 256-bit signature: the last character's two low bits are spare.
    const twin = `${sig.slice(0, -1)}${ALPHABET[last ^ 1]}`;
    expect(Buffer.from(twin, 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
    expect(() => verifyToken(`${head}.${body}.${twin}`, SECRET)).toThrow(/bad signature/);
  });

  test('a signature with characters appended, or padded, is refused', () => {
    const t = token();
    expect(() => verifyToken(`${t}A`, SECRET)).toThrow(/bad signature/);
    expect(() => verifyToken(`${t}=`, SECRET)).toThrow(/bad signature/);
  });
});
