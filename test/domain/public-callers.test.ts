import { createHash } from 'node:crypto';
import { addressHashOf } from '../../api/idempotency';
import { clientOf, MinuteCounter, rateLimitByBase } from '../../api/rate-limit';

describe('the client an address is counted as', () => {
  test.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:ffff:ffff:ffff:9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    [undefined, 'unknown'],
  ])('%s is %s', (ip, client) => {
    expect(clientOf(ip)).toBe(client);
  });

  test('two addresses of one /64 are one client; the next /64 is another', () => {
    expect(clientOf('2001:db8:1:2::1')).toBe(clientOf('2001:db8:1:2:abcd::9'));
    expect(clientOf('2001:db8:1:3::1')).not.toBe(clientOf('2001:db8:1:2::1'));
  });
});

describe('a minute a client', () => {
  const t0 = 1_800_000_000_000;

  test('takes the limit, then says how long to wait; a minute after its first request it takes again', () => {
    const c = new MinuteCounter(3);
    expect([0, 1, 2].map((i) => c.hit('a', t0 + i * 1000))).toEqual([0, 0, 0]);
    expect(c.hit('a', t0 + 15_000)).toBe(45);
    expect(c.hit('b', t0 + 15_000)).toBe(0);
    expect(c.hit('a', t0 + 59_999)).toBe(1);
    expect(c.hit('a', t0 + 60_000)).toBe(0);
  });

  test('a window opened before the generations swap still counts after', () => {
    const c = new MinuteCounter(2);
    c.hit('early', t0);
    c.hit('a', t0 + 50_000);
    c.hit('a', t0 + 55_000);
    // t0 + 60 s swaps the generations; a's window, opened at 50 s, runs to 110 s.
    expect(c.hit('early', t0 + 61_000)).toBe(0);
    expect(c.hit('a', t0 + 70_000)).toBe(40);
  });

  test('past its capacity newcomers wait for the next swap, and those already counted are served', () => {
    const c = new MinuteCounter(5, 3);
    for (const k of ['a', 'b', 'c']) expect(c.hit(k, t0)).toBe(0);
    expect(c.hit('d', t0 + 10_000)).toBe(50);
    expect(c.hit('a', t0 + 10_000)).toBe(0);
    // Two swaps later the silent clients are forgotten and the newcomer is taken.
    c.hit('a', t0 + 60_000);
    expect(c.hit('d', t0 + 120_000)).toBe(0);
  });
});

describe("the objection form's limit by client and base", () => {
  const through = (limit: ReturnType<typeof rateLimitByBase>, ip: string, id: string) =>
    new Promise<unknown>((resolve) => limit({ ip, params: { id } } as never, {} as never, resolve));

  test('made-up ids that fill the table of pairs do not shut the form to a newcomer', async () => {
    const limit = rateLimitByBase(10, 50);
    for (let c = 0; c < 10; c++) for (let i = 0; i < 10; i++) expect(await through(limit, `198.51.100.${c}`, `made-up-${i}`)).toBeUndefined();
    expect(await through(limit, '192.0.2.1', 'a-real-base')).toBeUndefined();
  });

  test('a client is still held to its count across bases, and to its count on one base while the table has room', async () => {
    const limit = rateLimitByBase(2, 50);
    expect(await through(limit, '192.0.2.1', 'b1')).toBeUndefined();
    expect(await through(limit, '192.0.2.1', 'b1')).toBeUndefined();
    expect(await through(limit, '192.0.2.1', 'b1')).toMatchObject({ status: 429 });
    for (let i = 0; i < 17; i++) expect(await through(limit, '192.0.2.1', `other-${i}`)).toBeUndefined();
    expect(await through(limit, '192.0.2.1', 'yet-another')).toMatchObject({ status: 429 });
  });
});

describe('the objector known by a hash of its address', () => {
  test('cannot be undone by hashing addresses: it is keyed with the server secret', () => {
    const ip = '203.0.113.7';
    const plain = createHash('sha256').update(ip).digest('hex').slice(0, 12);
    expect(addressHashOf('secret-one-0123456789abcdef-0123', ip)).not.toBe(plain);
    expect(addressHashOf('secret-one-0123456789abcdef-0123', ip)).not.toBe(addressHashOf('secret-two-0123456789abcdef-0123', ip));
    expect(addressHashOf('secret-one-0123456789abcdef-0123', ip)).toBe(addressHashOf('secret-one-0123456789abcdef-0123', ip));
    expect(addressHashOf('secret-one-0123456789abcdef-0123', ip)).toMatch(/^[0-9a-f]{12}$/);
  });
});
