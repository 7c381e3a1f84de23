import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { actionTable, calendarBody, objectionBody, Rightful } from '../support/bodies';
import { parseAction } from '../../domain';
import { forgedTokens } from '../support/forged-tokens';
import { applicantToken, client, newCreditCode, staff } from '../support/http';
import { submit, TestBase } from '../support/journeys';
import {
  badId,
  badIdempotencyKey,
  bareJsonValue,
  deepJson,
  defective,
  DefectKind,
  emptiablePaths,
  expectedPath,
  malformedJsonText,
  pct,
  setOwn,
  unknownKey,
  wire,
  withBadUtf8,
} from '../support/malformed';
import { rawRequest } from '../support/raw-http';
import { stays, until } from '../support/poll';
import { startStack, Stack } from '../support/stack';
import { countWorkflows } from '../support/temporal';
import { Trace, tracer, Tracer } from '../support/traces';

// Thousands of generated bad requests against one base waiting in district review: every one
// must be answered (no hang), none with a 5xx, every error as problem+json, and none may leave
// a trace in the database or in the workflow.
jest.setTimeout(600_000);
let stack: Stack;
let traces: Tracer;
let T: TestBase;
const KB = 1024;

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | ReadableStream<Uint8Array>;
}
interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

const tally: Record<string, { cases: number; statuses: Record<number, number> }> = {};
function count(property: string, status: number) {
  const t = (tally[property] ??= { cases: 0, statuses: {} });
  t.cases += 1;
  t.statuses[status] = (t.statuses[status] ?? 0) + 1;
}

async function send(r: Sent): Promise<Answer> {
  const res = await fetch(stack.url + r.path, {
    method: r.method,
    headers: r.headers,
    body: r.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
    ...(r.body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const describeSent = (r: Sent) => `${r.method} ${r.path.slice(0, 200)} ${JSON.stringify(r.headers).slice(0, 300)}`;

/** What every answer owes the caller, whatever was sent. */
function wellFormed(r: Sent, a: Answer): void {
  const where = describeSent(r);
  expect([where, a.status < 500]).toEqual([where, true]);
  expect(a.headers.get('x-content-type-options')).toBe('nosniff');
  if (a.status < 400 || r.method === 'HEAD') return;
  expect([where, a.headers.get('content-type')]).toEqual([where, expect.stringMatching(/^application\/problem\+json/)]);
  expect(a.json).toEqual(
    expect.objectContaining({ type: expect.stringMatching(/^urn:zz-coop-bases:problem:/), title: expect.any(String), status: a.status, detail: expect.any(String) }),
  );
  if (a.status === 422) expect(a.json.errors).toEqual(expect.arrayContaining([{ path: expect.any(String), message: expect.any(String) }]));
  if (a.status === 429 || a.status === 503) expect(a.headers.get('retry-after')).toMatch(/^\d+$/);
}

/** Totals over the whole database, so a change anywhere shows, not only on the base under attack. */
async function snapshot() {
  const { rows } = await stack.pool.query(`
    SELECT (SELECT count(*) FROM base_events)::int AS events,
           (SELECT count(*) FROM bases)::int AS bases,
           (SELECT coalesce(sum(version), 0) FROM bases)::int AS versions,
           (SELECT count(*) FROM notifications)::int AS notifications,
           (SELECT count(*) FROM calendar_years)::int AS years,
           (SELECT coalesce(max(loaded_at)::text, '') FROM calendar_years) AS calendar_loaded`);
  return rows[0];
}

const workflowsOnQueue = () => countWorkflows(`TaskQueue = '${stack.taskQueue}'`);

/**
 * Runs a property over generated requests: each answer checked as it comes, the database after
 * every case (so a failing case shrinks to the smallest request that changes something), the
 * workflow after the run.
 */
async function fuzz<A>(name: string, numRuns: number, arb: fc.Arbitrary<A>, toRequest: (a: A) => Sent, expectMore?: (a: A, answer: Answer) => void) {
  const before = await snapshot();
  const trace: Trace = await traces.of(T.id);
  // Visibility lags a start: the count is taken once it lists at least the base under attack.
  const workflows = await until('visibility lists the base under attack', workflowsOnQueue, (n) => n >= 1);
  await fc.assert(
    fc.asyncProperty(arb, async (a) => {
      const r = toRequest(a);
      const answer = await send(r);
      count(name, answer.status);
      wellFormed(r, answer);
      expectMore?.(a, answer);
      expect(await snapshot()).toEqual(before);
    }),
    { numRuns, endOnFailure: false },
  );
  expect(await traces.of(T.id)).toEqual(trace);
  // A workflow started by a refused request would show in visibility only a moment later.
  await stays('no refused request started a workflow', workflowsOnQueue, (n) => n === workflows);
}

const json = (token: string | undefined, extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  ...(token ? { authorization: `Bearer ${token}` } : {}),
  ...extra,
});
const bytes = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');

interface Target {
  name: string;
  method: 'POST' | 'PUT';
  path: string;
  token?: string;
  valid: object;
  limit: number;
  keepStrings?: string[];
  emptiable?: string[];
}

let targets: Target[];
let tokens: Record<string, string>;

beforeAll(async () => {
  stack = await startStack('secfuzz', { env: { OBJECTIONS_PER_MINUTE: '1000000' } });
  traces = await tracer(stack.pool, stack.env.TEMPORAL_ADDRESS!);
  T = await submit(client(stack.url));
  const rightful: Record<Rightful, string> = {
    own: T.token,
    district: staff.district(T.app.applicant.district),
    expert: staff.expert(3),
    bureau_officer: staff.officer(),
    bureau_leader: staff.leader(),
  };
  const table = actionTable({ application: T.app, objectionId: '4b1c7f43-7d3c-4c55-9d6e-3f0a1f0b2c11' });
  targets = [
    ...Object.entries(table).map(([type, { who, body }]) => ({
      name: `action ${type}`,
      method: 'POST' as const,
      path: `/api/bases/${T.id}/actions`,
      token: rightful[who],
      valid: { type, ...body },
      limit: 100 * KB,
      emptiable: emptiablePaths({ type, ...body }, (b) => parseAction(b).success),
    })),
    { name: 'submission', method: 'POST', path: '/api/bases', token: T.token, valid: T.app, limit: 100 * KB, keepStrings: ['applicant.creditCode'] },
    { name: 'objection', method: 'POST', path: `/api/bases/${T.id}/objections`, valid: objectionBody(), limit: 100 * KB },
    { name: 'calendar', method: 'PUT', path: '/api/calendar/2099', token: staff.admin(), valid: calendarBody(), limit: 64 * KB },
  ];
  tokens = {
    ...rightful,
    admin: staff.admin(),
    otherOrg: applicantToken(newCreditCode()),
    otherDistrict: staff.district('410102'),
    ...forgedTokens({ sub: 'district-410105', name: '区县科技局经办人', role: 'district_officer', district: '410105' }),
  };
});
afterAll(async () => {
  const total = Object.values(tally).reduce((n, t) => n + t.cases, 0);
  const lines = Object.entries(tally).map(([p, t]) => `  ${p}: ${t.cases} cases, statuses ${JSON.stringify(t.statuses)}`);
  process.stdout.write(`\nfuzz: ${total} generated requests\n${lines.join('\n')}\n`);
  await traces?.close();
  await stack?.stop();
});

const target = () => fc.constantFrom(...targets);
const withDefect = (kinds: DefectKind[]) =>
  target().chain((t) => defective(t.valid, { min: 1, max: 1, kinds, keepStrings: t.keepStrings, emptiable: t.emptiable }).map((d) => ({ t, d, defect: d.defects[0] })));

test('unknown fields, prototype keys among them, are refused with 422 naming each', async () => {
  await fuzz(
    'unknown fields',
    400,
    withDefect(['unknown-field']),
    ({ t, d }) => ({ method: t.method, path: t.path, headers: json(t.token), body: bytes(d.body) }),
    ({ defect }, a) => {
      expect(a.status).toBe(422);
      expect(a.json.errors).toContainEqual({ path: expectedPath(defect), message: expect.stringContaining(defect.key!) });
    },
  );
  // Nothing reached the prototype of the API's objects either: the same field is still unknown.
  const t = targets[0];
  const body = { ...t.valid };
  setOwn(body, '__proto__', { isAdmin: true, role: 'admin' });
  const a = await send({ method: t.method, path: t.path, headers: json(t.token), body: bytes(body) });
  expect(a.json.errors).toEqual([{ path: '__proto__', message: 'unknown field: __proto__' }]);
});

test('an unknown action type, prototype names among them, is refused with 422 naming type', async () => {
  const actions = () => targets.filter((t) => t.name.startsWith('action '));
  const known = () => targets.map((t) => t.name.replace(/^action /, ''));
  await fuzz(
    'unknown action types',
    150,
    fc.tuple(fc.constantFrom(...actions()), fc.oneof(unknownKey, fc.string({ unit: 'binary', maxLength: 40 })).filter((type) => !known().includes(type))),
    ([t, type]) => ({ method: t.method, path: t.path, headers: json(t.token), body: bytes({ ...t.valid, type }) }),
    (_, a) => {
      expect(a.status).toBe(422);
      expect(a.json.errors.map((e: { path: string }) => e.path)).toContain('type');
    },
  );
});

test('wrong types, empty and over-long text, and characters that cannot be stored are refused with 422 naming the field', async () => {
  await fuzz(
    'field defects',
    600,
    withDefect(['wrong-type', 'too-long', 'empty', 'unstorable']),
    ({ t, d }) => ({ method: t.method, path: t.path, headers: json(t.token), body: bytes(d.body) }),
    ({ defect }, a) => {
      expect([expectedPath(defect), a.status]).toEqual([expectedPath(defect), 422]);
      expect(a.json.errors.map((e: { path: string }) => e.path)).toContain(expectedPath(defect));
    },
  );
});

// Text that is not JSON is malformed (400); well-formed JSON that is no object is merely invalid (422).
test.each([
  { what: 'malformed JSON', runs: 300, text: malformedJsonText, status: 400 },
  { what: 'bare JSON values', runs: 100, text: bareJsonValue, status: 422 },
])('$what: refused with $status', async ({ what, runs, text, status }) => {
  await fuzz(
    what,
    runs,
    fc.tuple(target(), text),
    ([t, body]) => ({ method: t.method, path: t.path, headers: json(t.token), body: Buffer.from(body, 'utf8') }),
    (_, a) => expect(a.status).toBe(status),
  );
});

test('bodies over the limit are refused with 413, with or without a declared length', async () => {
  await fuzz(
    'oversize',
    40,
    fc.tuple(target(), fc.double({ min: 1.001, max: 4, noNaN: true }), fc.boolean()),
    ([t, factor, streamed]) => {
      const body = bytes({ ...t.valid, 'x-pad': 'x'.repeat(Math.ceil(t.limit * factor)) });
      const stream = () =>
        new ReadableStream<Uint8Array>({
          start(c) {
            for (let i = 0; i < body.length; i += 16 * KB) c.enqueue(body.subarray(i, i + 16 * KB));
            c.close();
          },
        });
      return { method: t.method, path: t.path, headers: json(t.token), body: streamed ? stream() : body };
    },
    (_, a) => expect(a.status).toBe(413),
  );
});

test('deep nesting and long arrays are refused with 422 (or 413 past the limit), never a crash', async () => {
  const longArrays = fc.oneof(
    fc.integer({ min: 367, max: 4000 }).map((n) => ({ path: '/api/calendar/2099', body: { holidays: Array(n).fill('2099-01-01'), workdays: [] }, field: 'holidays', limit: 64 * KB })),
    fc.integer({ min: 51, max: 400 }).map((n) => ({
      path: '/api/bases',
      body: { ...T.app, materials: Array(n).fill(T.app.materials[0]) },
      field: 'materials',
      limit: 100 * KB,
    })),
  );
  await fuzz(
    'deep and long',
    100,
    fc.oneof(
      fc.tuple(target(), deepJson, fc.boolean()).map(([t, deep, nested]) => {
        const text = nested ? JSON.stringify(t.valid).replace(/^\{/, `{"x-deep":${deep},`) : deep;
        return { t, text, field: nested ? 'x-deep' : undefined };
      }),
      longArrays.map((l) => ({ t: targets.find((x) => x.path === l.path)!, text: JSON.stringify(l.body), field: l.field })),
    ),
    ({ t, text }) => ({ method: t.method, path: t.path, headers: json(t.token), body: Buffer.from(text) }),
    ({ t, text, field }, a) => {
      expect(a.status).toBe(Buffer.byteLength(text) > t.limit ? 413 : 422);
      if (a.status === 422 && field) expect(a.json.errors.map((e: { path: string }) => e.path)).toContain(field);
    },
  );
});

test('a bad Idempotency-Key is refused with 422 before anything is applied', async () => {
  const onOffer = () => [
    ...['recommend', 'decline', 'return', 'withdraw'].map((type) => targets.find((t) => t.name === `action ${type}`)!),
    targets.find((t) => t.name === 'submission')!,
  ];
  await fuzz(
    'idempotency keys',
    150,
    fc.tuple(fc.constantFrom(...onOffer()), badIdempotencyKey),
    ([t, key]) => ({ method: t.method, path: t.path, headers: json(t.token, { 'idempotency-key': key }), body: bytes(t.valid) }),
    (_, a) => {
      expect(a.status).toBe(422);
      expect([a.json.type, a.json.title]).toEqual(['urn:zz-coop-bases:problem:invalid-header', 'Invalid header']);
      expect(a.json.errors).toEqual([{ path: 'Idempotency-Key', message: expect.any(String) }]);
    },
  );
});

test('a bad Idempotency-Key does not hide an unknown base (404) or a caller without the right role (403)', async () => {
  const onOffer = [...['recommend', 'decline', 'return', 'withdraw'].map((type) => targets.find((t) => t.name === `action ${type}`)!), targets.find((t) => t.name === 'objection')!];
  const unknownBase = (t: Target) => t.path.replace(T.id, '5d0c0f4e-0000-4000-8000-000000000000');
  await fuzz(
    'idempotency keys after 404 and 403',
    100,
    // An objection has no role to lack: only its unknown base is sent.
    fc.tuple(fc.constantFrom(...onOffer), badIdempotencyKey, fc.boolean()).map(([t, key, unknown]) => ({ t, key, unknown: unknown || !t.token })),
    ({ t, key, unknown }) => ({
      method: t.method,
      path: unknown ? unknownBase(t) : t.path,
      headers: json(unknown ? t.token : tokens.expert, { 'idempotency-key': key }),
      body: bytes(t.valid),
    }),
    ({ unknown }, a) => expect(a.status).toBe(unknown ? 404 : 403),
  );
});

test('list and history queries answer 200, 403 or 422, whatever they carry', async () => {
  const value = fc.oneof(
    fc.constantFrom('district_review', 'publicity', '410105', '410102', 'excellent', '1', '100', '0', '-1', '1e9', 'NaN', '0x10', 'Infinity', 'asc', 'desc', 'name', 'csv', 'json', '', '\u0000', '郑州\u0000', '%_\\'),
    fc.string({ unit: 'binary', maxLength: 120 }),
  );
  const key = fc.oneof(fc.constantFrom('stage', 'district', 'rating', 'q', 'page', 'pageSize', 'sort', 'order', 'format', '__proto__', 'constructor', 'toString'), unknownKey);
  const query = fc.array(fc.tuple(key, value, fc.boolean()), { maxLength: 6 }).map((pairs) =>
    pairs.map(([k, v, raw]) => `${pct(k)}=${raw ? v.replace(/[^A-Za-z0-9%._~-]/g, (c) => pct(c)) : pct(v)}`).join('&'),
  );
  await fuzz(
    'queries',
    300,
    fc.tuple(fc.constantFrom('/api/bases', `/api/bases/${T.id}/history`), query, fc.constantFrom('officer', 'district', 'otherDistrict', 'own', 'admin')),
    ([path, q, who]) => ({ method: 'GET', path: `${path}?${q}`, headers: { authorization: `Bearer ${tokens[who === 'officer' ? 'bureau_officer' : who]}` } }),
    (_, a) => expect([200, 403, 422]).toContain(a.status),
  );
});

test('anything at all, at any route, with any headers: no 5xx, and no change', async () => {
  const id = fc.oneof({ weight: 3, arbitrary: fc.constant(T.id) }, { weight: 1, arbitrary: badId });
  const year = fc.oneof(fc.constant('2099'), fc.integer({ min: -10, max: 3000 }).map(String), badId);
  const anyMethod = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS');
  // Mostly the routes that take input, with the method they answer to; now and then anything.
  const route = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(id, fc.constantFrom('/actions', '/objections')).map(([i, tail]) => ({ method: 'POST', path: `/api/bases/${i}${tail}` })) },
    { weight: 2, arbitrary: fc.constant({ method: 'POST', path: '/api/bases' }) },
    { weight: 2, arbitrary: year.map((y) => ({ method: 'PUT', path: `/api/calendar/${y}` })) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.tuple(id, fc.constantFrom('', '/history')).map(([i, tail]) => `/api/bases/${i}${tail}`),
        year.map((y) => `/api/calendar/${y}`),
        fc.constantFrom('/api/bases', '/api/publicity', '/api/districts', '/healthz', '/readyz', '/openapi.json', '/docs', '/docs/init.js', '/docs/assets/swagger-ui.css'),
      ).map((path) => ({ method: 'GET', path })),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        method: anyMethod,
        path: fc.oneof(
          fc.constantFrom('/docs/assets/..%2Fpackage.json', '/docs/assets/%', '/docs/assets/..%5c..%5cpackage.json', '/docs/assets/%2e%2e%2fpackage.json', '/api/bases/%', '/api/%zz'),
          fc.tuple(id, fc.constantFrom('', '/actions', '/objections', '/history', '/history.csv', '/')).map(([i, tail]) => `/api/bases/${i}${tail}`),
          fc.string({ unit: 'binary', maxLength: 60 }).map((s) => `/${pct(s)}`),
        ),
      }),
    },
  );
  const query = fc.option(fc.string({ unit: 'binary', maxLength: 60 }).map((s) => `?${pct(s).replace(/%3D/g, '=').replace(/%26/g, '&')}`), { nil: '' });
  const forged = Object.keys(forgedTokens({}));
  const authorization = fc.option(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...Object.keys(tokens).filter((k) => !forged.includes(k))).map((k) => `Bearer ${tokens[k]}`) },
      { weight: 1, arbitrary: fc.constantFrom(...forged).map((k) => `Bearer ${tokens[k]}`) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...Object.keys(tokens)), fc.constantFrom('bearer ', 'Bearer  ', 'Token ', '', 'Basic ')).map(([k, scheme]) => `${scheme}${tokens[k]}`) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map(wire) },
    ),
    { nil: undefined, freq: 8 },
  );
  const contentType = fc.option(
    fc.oneof(
      fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/merge-patch+json', '*/*', ''),
      fc.string({ unit: 'binary', maxLength: 40 }).map(wire),
    ),
    { nil: undefined },
  );
  const encoding = fc.option(fc.constantFrom('gzip', 'gzip-real', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip'), { nil: undefined });
  const randomJson = fc
    .jsonValue({ maxDepth: 4 })
    .filter((v) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return true;
      const o = v as Record<string, unknown>;
      return !('type' in o) && !('holidays' in o) && !('name' in o && 'reason' in o);
    })
    .map((v) => JSON.stringify(v));
  const body = fc.oneof(
    target().chain((t) => defective(t.valid, { keepStrings: t.keepStrings, emptiable: t.emptiable }).map((d) => JSON.stringify(d.body))),
    malformedJsonText,
    deepJson,
    randomJson,
    fc.constant(''),
  );
  const badUtf8Body = fc
    .tuple(target().chain((t) => defective(t.valid, { kinds: ['unknown-field', 'wrong-type'], emptiable: t.emptiable })), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }))
    .map(([d, at, which]) => withBadUtf8(JSON.stringify(d.body), at, which));
  const request = fc.record({
    route,
    query,
    authorization,
    contentType,
    encoding,
    key: fc.option(fc.oneof(badIdempotencyKey, fc.string({ minLength: 1, maxLength: 20 })), { nil: undefined }),
    forwardedFor: fc.option(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 30 })), { nil: undefined }),
    body: fc.oneof(body.map((s) => Buffer.from(s, 'utf8')), badUtf8Body),
  });
  await fuzz('anything', 1800, request, (q) => {
    const headers: Record<string, string> = {};
    if (q.authorization !== undefined) headers.authorization = q.authorization;
    if (q.contentType !== undefined) headers['content-type'] = q.contentType;
    if (q.key !== undefined) headers['idempotency-key'] = q.key;
    if (q.forwardedFor !== undefined) headers['x-forwarded-for'] = q.forwardedFor;
    const { method, path } = q.route;
    let payload: Buffer | undefined = method === 'GET' || method === 'HEAD' ? undefined : q.body;
    if (payload && q.encoding) {
      headers['content-encoding'] = q.encoding === 'gzip-real' ? 'gzip' : q.encoding;
      if (q.encoding === 'gzip-real') payload = gzipSync(payload);
    }
    return { method, path: path + q.query, headers, body: payload };
  });
});

test('broken HTTP framing gets a 4xx or a closed connection, never a 5xx and never a hang', async () => {
  const port = Number(new URL(stack.url).port);
  const line = fc.oneof(
    fc.constantFrom('GET /api/districts HTTP/1.1', 'POST /api/bases HTTP/1.1', `POST /api/bases/${T.id}/objections HTTP/1.1`, 'GET /api/bases HTTP/9.9', 'GET  HTTP/1.1', 'FOO /x HTTP/1.1', 'GET /a b HTTP/1.1', 'GET http://evil/ HTTP/1.1', 'GET /\u0000 HTTP/1.1'),
    fc.string({ unit: 'binary', maxLength: 60 }),
  );
  const header = fc.oneof(
    fc.constantFrom(
      'Content-Length: -1',
      'Content-Length: abc',
      'Content-Length: 5\r\nContent-Length: 6',
      'Transfer-Encoding: chunked\r\nContent-Length: 5',
      'Transfer-Encoding: chunked',
      'Transfer-Encoding: gzip, chunked',
      'Content-Type: application/json',
      'Bad Header: x',
      'X-A: b\u0000c',
      'X-Folded: a\r\n continued',
      `X-Huge: ${'h'.repeat(20_000)}`,
      'Host:',
      'Authorization: Bearer \u00ff\u00fe',
      'Expect: 100-continue',
    ),
    fc.string({ unit: 'binary', maxLength: 60 }),
  );
  const body = fc.oneof(fc.constantFrom('', 'zz\r\nhello\r\n0\r\n\r\n', '5\r\nhello\r\n0\r\n\r\n', '{"name":"a"}', '-1\r\n'), fc.string({ unit: 'binary', maxLength: 80 }));
  await fc.assert(
    fc.asyncProperty(line, fc.array(header, { maxLength: 4 }), body, async (l, hs, b) => {
      const bytes = Buffer.from([l, 'Host: 127.0.0.1', 'Connection: close', ...hs].join('\r\n') + '\r\n\r\n' + b, 'utf8');
      const r = await rawRequest(port, bytes);
      count('raw framing', r.status ?? 0);
      expect({ hung: r.hung, serverError: (r.status ?? 0) >= 500 }).toEqual({ hung: false, serverError: false });
    }),
    { numRuns: 200 },
  );
  const after = await fetch(`${stack.url}/api/districts`);
  expect(after.status).toBe(200);
});
