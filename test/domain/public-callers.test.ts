import { createHash } from 'node:crypto';
import { addressHashOf } from '../../api/idempotency';
import { clientOf, MinuteCounter } from '../../api/rate-limit';

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
