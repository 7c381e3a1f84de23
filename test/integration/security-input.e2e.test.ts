import { PassThrough } from 'node:stream';
import { signToken } from '../../api/auth';
import { distFile } from '../../runtime/paths';
import { DEV_JWT_SECRET } from '../../runtime/config';
import { freePort, spawnNode, waitForPort } from '../../runtime/processes';
import { client, HttpClient, staff } from '../support/http';
import { submit, toPublicity } from '../support/journeys';
import { startStack, Stack } from '../support/stack';
import { tracer, Tracer } from '../support/traces';
import { temporalClient } from '../support/temporal';
import { withOwnApi } from '../support/own-api';
import { WorkflowNotFoundError } from '@temporalio/client';
import { idFor } from '../../api/idempotency';
import { workflowIdOf } from '../../workflows/ids';
import { ACROSS_BASES } from '../../api/rate-limit';
import { OBJECTIONS_A_PUBLICITY_HOLDS } from '../../domain';

// The limits and defences of the contract, each at its boundary: what is just allowed passes,
// what is just over is refused with the status the contract names, and changes nothing.
jest.setTimeout(180_000);
let stack: Stack;
let http: HttpClient;
let traces: Tracer;
const PER_MINUTE = 4;
beforeAll(async () => {
  stack = await startStack('secinput', { env: { OBJECTIONS_PER_MINUTE: String(PER_MINUTE) } });
  http = client(stack.url);
  traces = await tracer(stack.pool, stack.env.TEMPORAL_ADDRESS!);
});
afterAll(async () => {
  await traces?.close();
  await stack?.stop();
});

describe('text limits', () => {
  test('a reason of 2,000 characters is taken, one of 2,001 is refused by name and changes nothing', async () => {
    const b = await submit(http);
    const before = await traces.of(b.id);
    const over = await http.act(b.id, staff.district(), 'decline', { reason: '理'.repeat(2001) });
    expect(over.status).toBe(422);
    expect(over.body.errors).toEqual([{ path: 'reason', message: 'at most 2000 characters' }]);
    expect(await traces.of(b.id)).toEqual(before);
    const at = await http.act(b.id, staff.district(), 'decline', { reason: '理'.repeat(2000) });
    expect(at.body.stage).toBe('rejected');
  });

  test('an application whose summary is over 5,000 characters is refused before any workflow starts', async () => {
    const b = await submit(http);
    const app = { ...b.app, cooperationSummary: 'x'.repeat(5001) };
    const r = await http.post('/api/bases', app, b.token, { 'idempotency-key': 'too-long' });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([{ path: 'cooperationSummary', message: 'at most 5000 characters' }]);
    const rows = await stack.pool.query('SELECT count(*)::int AS n FROM bases WHERE credit_code = $1', [b.app.applicant.creditCode]);
    expect(rows.rows[0].n).toBe(1);
    // Nor in Temporal: the workflow the key would have named does not exist.
    const temporal = await temporalClient();
    try {
      const id = idFor('too-long', 'submit', b.app.applicant.creditCode);
      await expect(temporal.workflow.getHandle(workflowIdOf(id)).describe()).rejects.toThrow(WorkflowNotFoundError);
    } finally {
      await temporal.connection.close();
    }
  });
});

describe('bodies', () => {
  test('a body just under 100 kB is read; one just over is refused with 413', async () => {
    const b = await submit(http);
    const body = (n: number) => {
      const skeleton = JSON.stringify({ type: 'recommend', 'x-pad': '' });
      return JSON.stringify({ type: 'recommend', 'x-pad': 'x'.repeat(n - skeleton.length) });
    };
    const under = await http.call('POST', `/api/bases/${b.id}/actions`, { token: staff.district(), raw: body(100 * 1024) });
    expect(under.status).toBe(422); // read, and refused for its unknown field
    const over = await http.call('POST', `/api/bases/${b.id}/actions`, { token: staff.district(), raw: body(100 * 1024 + 1) });
    expect(over.status).toBe(413);
    expect(over.body).toMatchObject({ status: 413, title: 'Body too large' });
  });

  test('malformed JSON is a 400, as problem+json', async () => {
    const b = await submit(http);
    const r = await http.call('POST', `/api/bases/${b.id}/actions`, { token: staff.district(), raw: '{"type": "recommend",' });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ type: 'urn:zz-coop-bases:problem:malformed-request', status: 400, detail: 'the body is not valid JSON' });
  });
});

describe('query strings and path parameters', () => {
  test('a list query with empty values (a form left blank, the contract\'s own template) answers as if they were not sent', async () => {
    const b = await submit(http);
    const blank = await http.get('/api/bases?stage=&district=&rating=&q=&page=&pageSize=&sort=&order=', staff.officer());
    const none = await http.get('/api/bases', staff.officer());
    expect(blank.status).toBe(200);
    expect(blank.body).toMatchObject({ page: 1, pageSize: 20, total: none.body.total });
    expect(blank.body.items.map((i: { id: string }) => i.id)).toContain(b.id);
    expect((await http.get(`/api/bases/${b.id}/history?format=`, staff.officer())).status).toBe(200);
    // A value that is there still has to be a good one.
    expect((await http.get('/api/bases?stage=nowhere', staff.officer())).status).toBe(422);
  });

  test('a holiday schedule\'s year is four digits: other spellings of a year name no schedule, and load none', async () => {
    expect((await http.get('/api/calendar/2026', staff.officer())).status).toBe(200);
    for (const year of ['02026', '2026.0', '0x7EA', '+2026', ' 2026']) {
      expect([year, (await http.get(`/api/calendar/${encodeURIComponent(year)}`, staff.officer())).status]).toEqual([year, 404]);
      const put = await http.call('PUT', `/api/calendar/${encodeURIComponent(year)}`, { token: staff.admin(), body: { holidays: [], workdays: [] } });
      expect([year, put.status, put.body.type, put.body.errors]).toEqual([year, 422, 'urn:zz-coop-bases:problem:invalid-path', [{ path: 'year', message: 'a year, four digits' }]]);
    }
  });
});

describe('the public objection form', () => {
  test(`takes ${PER_MINUTE} a minute from one address on one base, then 429 with Retry-After; another address, or another base, is not held back`, async () => {
    const b = await submit(http);
    await toPublicity(http, b);
    const other = await submit(http);
    await toPublicity(http, other);
    const object = (from: string, id = b.id) => http.call('POST', `/api/bases/${id}/objections`, { body: { name: '赵六', contact: '13700000000', reason: '数据不实' }, headers: { 'x-forwarded-for': from } });
    const first = [];
    for (let i = 0; i < PER_MINUTE; i++) first.push((await object('203.0.113.7')).status);
    expect(first).toEqual(Array(PER_MINUTE).fill(201));
    const limited = await object('203.0.113.7');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.body).toMatchObject({ type: 'urn:zz-coop-bases:problem:rate-limited', status: 429 });
    expect((await object('198.51.100.9')).status).toBe(201);
    expect((await object('203.0.113.7', other.id)).status).toBe(201);
    const view = await http.get(`/api/bases/${b.id}`, staff.officer());
    expect(view.body.publicity.objections).toHaveLength(PER_MINUTE + 1);
  });

  test(`counts a client across all bases too, at ${ACROSS_BASES} times one base's limit: ids made up one by one do not escape it`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= PER_MINUTE * ACROSS_BASES; i++) {
      const r = await http.call('POST', `/api/bases/made-up-${i}/objections`, { body: { name: '赵六', contact: '13700000000', reason: '数据不实' }, headers: { 'x-forwarded-for': '203.0.113.99' } });
      statuses.push(r.status);
    }
    expect(statuses).toEqual([...Array(PER_MINUTE * ACROSS_BASES).fill(404), 429]);
  });

  test('believes X-Forwarded-For only from the proxies TRUST_PROXY names', async () => {
    const b = await submit(http);
    await toPublicity(http, b);
    // An API whose balancer is in 10.0.0.0/8: this test, calling from loopback, is no proxy of it.
    await withOwnApi(stack, { env: { TRUST_PROXY: '10.0.0.0/8' } }, async (behind) => {
      const object = (from: string) => behind.call('POST', `/api/bases/${b.id}/objections`, { body: { name: '赵六', contact: '13700000000', reason: '数据不实' }, headers: { 'x-forwarded-for': from } });
      // Each claims another address; all are the one peer they came from.
      const statuses = [];
      for (let i = 1; i <= PER_MINUTE + 1; i++) statuses.push((await object(`198.51.100.${i}`)).status);
      expect(statuses).toEqual([...Array(PER_MINUTE).fill(201), 429]);
    });
  });

  test('a keyed objection to a base not in publicity is 409 and reaches neither Temporal nor the table of keys', async () => {
    const b = await submit(http);
    await withOwnApi(stack, {}, async (api, sent) => {
      const r = await api.call('POST', `/api/bases/${b.id}/objections`, { body: { name: '赵六', contact: '13700000000', reason: '数据不实' }, headers: { 'idempotency-key': 'objection-too-early-1' } });
      expect(r.status).toBe(409);
      expect(sent).toEqual([]);
    });
    const { rows } = await stack.pool.query('SELECT count(*)::int AS n FROM request_keys WHERE base_id = $1', [b.id]);
    expect(rows[0].n).toBe(0);
  });

  test('the publicity list shows a base while its window is open, and not once its end has passed', async () => {
    const b = await submit(http);
    await toPublicity(http, b);
    const listed = async (api: HttpClient) => (await api.get('/api/publicity')).body.items.map((i: any) => i.id);
    expect(await listed(http)).toContain(b.id);
    // An API whose clock is three weeks on: the window has ended, its close not yet run here.
    await withOwnApi(stack, { now: () => Date.now() + 21 * 864e5 }, async (later) => {
      expect(await listed(later)).not.toContain(b.id);
    });
  });

  test(`holds at most ${OBJECTIONS_A_PUBLICITY_HOLDS} objections a base, then 409 saying where to write; one filed before is still taken again`, async () => {
    const b = await submit(http);
    await toPublicity(http, b);
    await withOwnApi(stack, { env: { OBJECTIONS_PER_MINUTE: '1000' } }, async (api) => {
      const object = (i: number, key?: string) =>
        api.call('POST', `/api/bases/${b.id}/objections`, { body: { name: `异议人${i}`, contact: '13700000000', reason: '数据不实' }, headers: key ? { 'idempotency-key': key } : {} });
      const filed: number[] = [];
      for (let i = 0; i < OBJECTIONS_A_PUBLICITY_HOLDS; i += 10) {
        filed.push(...(await Promise.all(Array.from({ length: 10 }, (_, j) => object(i + j, i + j === 0 ? 'objection-first' : undefined)))).map((r) => r.status));
      }
      expect(filed).toEqual(Array(OBJECTIONS_A_PUBLICITY_HOLDS).fill(201));
      const over = await object(OBJECTIONS_A_PUBLICITY_HOLDS);
      expect(over.status).toBe(409);
      expect(over.body.detail).toMatch(new RegExp(`taken the ${OBJECTIONS_A_PUBLICITY_HOLDS} objections it can hold.*write to the bureau directly`));
      expect((await object(0, 'objection-first')).status).toBe(201);
    });
    const view = await http.get(`/api/bases/${b.id}`, staff.officer());
    expect(view.body.stage).toBe('publicity');
    expect(view.body.publicity.objections).toHaveLength(OBJECTIONS_A_PUBLICITY_HOLDS);
  });

  test('counts an IPv6 client by its /64, which one subscriber holds whole', async () => {
    const b = await submit(http);
    await toPublicity(http, b);
    const object = (from: string) => http.call('POST', `/api/bases/${b.id}/objections`, { body: { name: '赵六', contact: '13700000000', reason: '数据不实' }, headers: { 'x-forwarded-for': from } });
    const statuses = [];
    for (let i = 1; i <= PER_MINUTE; i++) statuses.push((await object(`2001:db8:7:1::${i}`)).status);
    expect(statuses).toEqual(Array(PER_MINUTE).fill(201));
    expect((await object('2001:db8:7:1:ffff:ffff:ffff:fffe')).status).toBe(429);
    expect((await object('2001:db8:7:2::1')).status).toBe(201);
    const view = await http.get(`/api/bases/${b.id}`, staff.officer());
    expect(view.body.publicity.objections).toHaveLength(PER_MINUTE + 1);
  });
});

describe("the bureau's website, on another origin (PUBLIC_ORIGINS)", () => {
  const SITE = 'https://kjj.example.gov.cn';
  const from = (origin: string, more: Record<string, string> = {}) => ({ origin, ...more });

  test('reads the publicity list and files an objection from a visitor\'s browser; nothing else is shared, with no other origin', async () => {
    const b = await submit(http);
    await toPublicity(http, b);
    await withOwnApi(stack, { env: { PUBLIC_ORIGINS: `${SITE}, https://www.example.gov.cn` } }, async (api) => {
      const list = await api.call('GET', '/api/publicity', { headers: from(SITE) });
      expect([list.status, list.headers.get('access-control-allow-origin'), list.headers.get('vary')]).toEqual([200, SITE, 'Origin']);
      const preflight = await api.call('OPTIONS', `/api/bases/${b.id}/objections`, { headers: from(SITE, { 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' }) });
      expect(preflight.status).toBe(204);
      expect(Object.fromEntries(['allow-origin', 'allow-methods', 'allow-headers'].map((h) => [h, preflight.headers.get(`access-control-${h}`)]))).toEqual({
        'allow-origin': SITE,
        'allow-methods': 'POST',
        'allow-headers': 'Content-Type, Idempotency-Key',
      });
      const filed = await api.call('POST', `/api/bases/${b.id}/objections`, { headers: from(SITE), body: { name: '王五', contact: '13600000000', reason: '合作协议已终止' } });
      expect([filed.status, filed.headers.get('access-control-allow-origin')]).toEqual([201, SITE]);
      // Another site, or a route that takes a token, gets no permission to read the answer.
      expect((await api.call('GET', '/api/publicity', { headers: from('https://evil.example') })).headers.get('access-control-allow-origin')).toBeNull();
      const staffOnly = await api.call('GET', '/api/bases', { token: staff.officer(), headers: from(SITE) });
      expect([staffOnly.status, staffOnly.headers.get('access-control-allow-origin')]).toEqual([200, null]);
      expect((await api.call('OPTIONS', `/api/bases/${b.id}/actions`, { headers: from(SITE, { 'access-control-request-method': 'POST' }) })).headers.get('access-control-allow-origin')).toBeNull();
    });
    // Unset (the default), no origin is given anything.
    expect((await http.call('GET', '/api/publicity', { headers: from(SITE) })).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('methods', () => {
  test.each([
    ['DELETE', '/api/bases/{id}', 'GET, HEAD'],
    ['GET', '/api/bases/{id}/actions', 'POST'],
    ['PUT', '/api/bases', 'POST, GET, HEAD'],
    ['PATCH', '/api/calendar/2026', 'GET, PUT, HEAD'],
    ['POST', '/API/PUBLICITY/', 'GET, HEAD'],
  ])('%s %s is 405, naming what the path takes, and changes nothing', async (method, path, allow) => {
    const b = await submit(http);
    const before = await traces.of(b.id);
    const r = await http.call(method, path.replace('{id}', b.id), { token: staff.admin(), body: method === 'GET' ? undefined : { type: 'decline', reason: '不需要' } });
    expect([r.status, r.headers.get('allow'), r.body?.type]).toEqual([405, allow, 'urn:zz-coop-bases:problem:method-not-allowed']);
    expect(await traces.of(b.id)).toEqual(before);
  });

  test('a path that is not served is 404 whatever the method', async () => {
    for (const method of ['GET', 'DELETE']) expect((await http.call(method, '/api/bases/x/y/z', { token: staff.admin() })).status).toBe(404);
  });
});

describe('security headers', () => {
  test.each([
    ['a base view', (b: string) => http.get(`/api/bases/${b}`, staff.officer()), 200],
    ['a refusal', (b: string) => http.get(`/api/bases/${b}`), 401],
    ['an unknown route', () => http.get('/nowhere'), 404],
  ])('on %s', async (_what, get, status) => {
    const b = await submit(http);
    const r = await get(b.id);
    expect(r.status).toBe(status);
    expect({
      nosniff: r.headers.get('x-content-type-options'),
      frame: r.headers.get('x-frame-options'),
      referrer: r.headers.get('referrer-policy'),
      csp: r.headers.get('content-security-policy'),
      hsts: r.headers.get('strict-transport-security'),
      poweredBy: r.headers.get('x-powered-by'),
    }).toEqual({
      nosniff: 'nosniff',
      frame: 'DENY',
      referrer: 'no-referrer',
      csp: "default-src 'none'; frame-ancestors 'none'",
      hsts: expect.stringMatching(/^max-age=\d+/),
      poweredBy: null,
    });
  });

  test('answers under /api are never cached', async () => {
    expect((await http.get('/api/districts')).headers.get('cache-control')).toBe('no-store');
  });
});

describe('production mode', () => {
  const start = async (component: 'api' | 'worker', secret: string, more: Record<string, string> = {}) => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    const port = await freePort();
    // An empty variable counts as unset.
    const env = { ...stack.env, NODE_ENV: 'production', PORT: String(port), AUTH_JWT_SECRET: secret, ...more };
    const child = spawnNode(distFile('runtime', `${component}-main.js`), env, `[${component}]`, out);
    return { api: child, port, output: () => text };
  };

  test.each([
    ['api', 'the development default', DEV_JWT_SECRET],
    ['api', 'no secret at all', ''],
    ['api', 'a secret of 31 characters', 's'.repeat(31)],
    ['worker', 'the development default', DEV_JWT_SECRET],
  ] as const)('the %s refuses to start with %s, saying why', async (component, _what, secret) => {
    const { api, output } = await start(component, secret);
    const code = await new Promise<number | null>((resolve) => api.process.once('exit', resolve));
    expect(code).toBe(1);
    const line = JSON.parse(output().split('\n').find((l) => l.includes('invalid configuration'))!.replace(/^\[\w+\] /, ''));
    expect(line).toMatchObject({ level: 'error', component });
    expect(line.msg).toContain('AUTH_JWT_SECRET: production needs a real secret of at least 32 characters');
  });

  test('with a real secret it starts, and tokens signed with the development default, or for another service, are refused', async () => {
    const secret = 'a-real-production-secret-0123456789-abcdef';
    const { api, port } = await start('api', secret, { AUTH_JWT_AUDIENCE: 'coop-bases' });
    try {
      await waitForPort(port, 60_000, 'the API', api.process);
      const prod = client(`http://127.0.0.1:${port}`);
      const claims = { sub: 'officer-1', name: '市局经办人', role: 'bureau_officer' };
      expect((await prod.get('/api/bases', signToken({ ...claims, aud: 'coop-bases' }, DEV_JWT_SECRET))).status).toBe(401);
      expect((await prod.get('/api/bases', signToken({ ...claims, aud: 'portal' }, secret))).status).toBe(401);
      expect((await prod.get('/api/bases', signToken(claims, secret))).status).toBe(401);
      expect((await prod.get('/api/bases', signToken({ ...claims, aud: 'coop-bases' }, secret))).status).toBe(200);
    } finally {
      await api.stop(5000);
    }
  });
});
