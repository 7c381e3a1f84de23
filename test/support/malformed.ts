import fc from 'fast-check';

// Generators of bad input for the property tests. Every body made here carries at least one
// defect the contract says must be refused, so a request can never be a valid decision by
// accident: whatever the route and the caller, nothing may change.

export type Path = (string | number)[];
export type DefectKind = 'unknown-field' | 'wrong-type' | 'too-long' | 'empty' | 'unstorable';
export interface Defect {
  kind: DefectKind;
  path: Path;
  /** The unknown field's name. */
  key?: string;
}
export interface Defective {
  body: unknown;
  defects: Defect[];
}

/** Field names no request body of the contract has, prototype keys first among them. */
export const unknownKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isAdmin', 'role', 'actor', 'commandId', 'at', 'seq', 'version', 'baseId'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }).map((s) => `x-${s}`),
);

/** Sets a key as an own, enumerable property, `__proto__` included, as JSON.parse would. */
export function setOwn(o: object, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

function nodes(v: unknown, path: Path = []): { path: Path; value: unknown }[] {
  const here = path.length ? [{ path, value: v }] : [];
  if (Array.isArray(v)) return [...here, ...v.flatMap((x, i) => nodes(x, [...path, i]))];
  if (isPlainObject(v)) return [...here, ...Object.entries(v).flatMap(([k, x]) => nodes(x, [...path, k]))];
  return here;
}

function at(root: unknown, path: Path): unknown {
  let v = root;
  for (const k of path) v = (v as Record<string | number, unknown> | undefined)?.[k];
  return v;
}

/** Replaces the value at a path; false when an earlier defect took the path away. */
function put(root: unknown, path: Path, value: unknown): boolean {
  const parent = at(root, path.slice(0, -1));
  if (typeof parent !== 'object' || parent === null) return false;
  const key = path[path.length - 1];
  if (Array.isArray(parent) !== (typeof key === 'number')) return false;
  setOwn(parent, String(key), value);
  return true;
}

// No field of the contract takes a value of another JSON type (nor null for an optional one).
function wrongValues(v: unknown): unknown[] {
  if (typeof v === 'string') return [true, false, null, [], {}, ['x'], { 'x-a': 1 }];
  if (typeof v === 'number') return ['1', '', true, null, [], {}];
  if (typeof v === 'boolean') return ['true', 1, 0, null, [], {}];
  if (Array.isArray(v)) return ['x', 1, true, null, {}];
  return ['x', 1, true, null, [], [{}]];
}

/** Longer than the longest text field (5,000 characters, counted as code points), in scripts of every width. */
export const tooLongText = fc
  .tuple(fc.integer({ min: 5_010, max: 9_000 }), fc.constantFrom('x', '键', 'ß', 'ع', '😀', 'a\u0301', '\u200b'))
  .map(([n, c]) => c.repeat(Math.ceil(n / [...c].length)));

/** Characters PostgreSQL cannot store in text or jsonb: NUL and unpaired surrogates. */
export const unstorableChar = fc.constantFrom('\u0000', '\ud800', '\udfff', '\udbff');

interface DefectOptions {
  /** Joined paths whose strings must not be touched (the submitter's credit code answers 403 first). */
  keepStrings?: string[];
  /** Joined paths of optional texts a form may send empty: "" and null there are no defect. */
  emptiable?: string[];
}

/** The joined paths of the strings in a valid body that the contract also takes as "" (an optional text left empty). */
export function emptiablePaths(valid: unknown, accepts: (body: unknown) => boolean): string[] {
  return nodes(valid)
    .filter((n) => typeof n.value === 'string')
    .filter((n) => {
      const body = clone(valid);
      return put(body, n.path, '') && accepts(body);
    })
    .map((n) => n.path.join('.'));
}

function oneDefect(valid: unknown, o: DefectOptions): fc.Arbitrary<{ defect: Defect; value?: unknown }> {
  const all = nodes(valid);
  const objects: Path[] = [[], ...all.filter((n) => isPlainObject(n.value)).map((n) => n.path)];
  const strings = all.filter((n) => typeof n.value === 'string' && !o.keepStrings?.includes(n.path.join('.')));
  const emptiable = (n: { path: Path }) => !!o.emptiable?.includes(n.path.join('.'));
  const choices: fc.Arbitrary<{ defect: Defect; value?: unknown }>[] = [
    fc.tuple(fc.constantFrom(...objects), unknownKey, fc.jsonValue({ maxDepth: 2 })).map(([path, key, value]) => ({ defect: { kind: 'unknown-field' as const, path, key }, value })),
  ];
  if (all.length) {
    choices.push(
      fc
        .constantFrom(...all)
        .chain((n) => fc.constantFrom(...wrongValues(n.value).filter((w) => !(w === null && emptiable(n)))).map((value) => ({ defect: { kind: 'wrong-type' as const, path: n.path }, value }))),
    );
  }
  if (strings.length) {
    choices.push(
      fc.tuple(fc.constantFrom(...strings), tooLongText).map(([n, value]) => ({ defect: { kind: 'too-long' as const, path: n.path }, value })),
      ...(strings.some((n) => !emptiable(n)) ? [fc.constantFrom(...strings.filter((n) => !emptiable(n))).map((n) => ({ defect: { kind: 'empty' as const, path: n.path }, value: '' }))] : []),
      fc.tuple(fc.constantFrom(...strings), unstorableChar, fc.nat()).map(([n, c, i]) => {
        const s = n.value as string;
        const k = i % (s.length + 1);
        return { defect: { kind: 'unstorable' as const, path: n.path }, value: s.slice(0, k) + c + s.slice(k) };
      }),
    );
  }
  return fc.oneof(...choices);
}

/** A valid body with between `min` and `max` defects, each guaranteed to make it invalid. */
export function defective(valid: unknown, o: DefectOptions & { min?: number; max?: number; kinds?: DefectKind[] } = {}): fc.Arbitrary<Defective> {
  const defect = oneDefect(valid, o).filter((d) => !o.kinds || o.kinds.includes(d.defect.kind));
  return fc.array(defect, { minLength: o.min ?? 1, maxLength: o.max ?? 3 }).map((list) => {
    const body = clone(valid);
    const applied: Defect[] = [];
    for (const { defect, value } of list) {
      if (defect.kind === 'unknown-field') {
        const target = at(body, defect.path);
        if (!isPlainObject(target) || Object.hasOwn(target, defect.key!)) continue;
        setOwn(target, defect.key!, value);
        applied.push(defect);
      } else if (put(body, defect.path, value)) {
        applied.push(defect);
      }
    }
    return { body, defects: applied };
  }).filter((d) => d.defects.length > 0);
}

/** Where a refusal must point: the offending field itself, an unknown one included. */
export const expectedPath = (d: Defect) => (d.kind === 'unknown-field' ? [...d.path, d.key!].join('.') : d.path.join('.'));

/** Text that is not JSON at all; an empty body is left out (it reads as {}). */
export const malformedJsonText = fc
  .oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.constantFrom('{', '}', '{"a":}', "{'a':1}", '{"a":1,}', '[1,]', 'NaN', '{"a":1}{"b":2}', '{"a" 1}', 'undefined', '{"a":"\\x41"}', '{"a":"\\u12"}', '{"a":01}', '{"a":1e999999}x'),
    fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.nat()).map(([v, n]) => {
      const t = JSON.stringify(v);
      return t.slice(0, n % Math.max(1, t.length));
    }),
    fc.tuple(fc.jsonValue({ maxDepth: 2 }), fc.string({ minLength: 1, maxLength: 5 })).map(([v, tail]) => JSON.stringify(v) + tail),
  )
  .filter((s) => {
    if (s.trim() === '') return false;
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  });

/** Well-formed JSON that is no object: not malformed, but no body a route takes. */
export const bareJsonValue = fc.oneof(fc.constant(null), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 40 })).map((v) => JSON.stringify(v));

/** Nesting that a recursive parser or validator would choke on, within the body size limit. */
export const deepJson = fc.tuple(fc.integer({ min: 100, max: 15_000 }), fc.constantFrom('array', 'object')).map(([depth, kind]) =>
  kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
);

/** Bytes that are not UTF-8, inserted between the characters of a body. */
const BAD_UTF8 = [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]];
export function withBadUtf8(text: string, at: number[], which: number[]): Buffer {
  const buf = Buffer.from(text, 'utf8');
  const cuts = [...new Set(at.map((a) => a % (buf.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let last = 0;
  cuts.forEach((c, i) => {
    parts.push(buf.subarray(last, c), Buffer.from(BAD_UTF8[which[i % which.length] % BAD_UTF8.length]));
    last = c;
  });
  parts.push(buf.subarray(last));
  return Buffer.concat(parts);
}

/**
 * A header value as the wire carries it: UTF-8 bytes, which fetch only takes as Latin-1
 * characters; control characters no client sends in a value (the framing test sends those raw).
 */
export const wire = (s: string) => Buffer.from(s, 'utf8').toString('latin1').replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '');

/** Percent-encodes every byte but the unreserved ones (lone surrogates become U+FFFD, as a browser sends them). */
export const pct = (s: string) =>
  [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

/** Path segments that are not ids: encodings a router must survive. */
export const badId = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }).map(pct),
  fc.string({ minLength: 65, maxLength: 400 }).map(pct),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%2F', '..%2F..%2Fetc%2Fpasswd', '%C0%AF', '%ED%A0%80', '__proto__', 'constructor', 'toString', '%20', 'null', 'undefined', '0', '-1', 'base-1', '%u0041', '%25'),
  fc.uuid(),
);

/** Idempotency keys the contract refuses: empty, too long, not visible ASCII. */
export const badIdempotencyKey = fc.oneof(
  fc.constant(''),
  fc.string({ unit: fc.constantFrom('a', 'B', '7', '-'), minLength: 201, maxLength: 400 }),
  fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom(' ', '\t'), fc.string({ maxLength: 10 })).map(([a, s, b]) => `k${a}${s}${b}k`),
  fc.string({ unit: fc.constantFrom('键', 'é', '😀', '\u00a0'), minLength: 1, maxLength: 20 }).map(wire),
);
