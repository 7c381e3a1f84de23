import path from 'node:path';
import { readFileSync } from 'node:fs';
import { CONFIG_VARIABLES, ConfigError, DEV_JWT_SECRET, loadConfig } from '../../runtime/config';
import { clusterOptions } from '../../scripts/cluster/options';

// Every Temporal deployment is reached through the same variables: the local dev server, a
// self-hosted cluster (plain or TLS), Temporal Cloud (mTLS or an API key). What is missing or
// malformed is refused at start, by name, all at once.
const A_FILE = __filename; // the config only checks that a path exists; the connection reads it
const SECRET = 'a-production-secret-of-forty-characters!';

function problems(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('a Temporal deployment', () => {
  test('nothing set is the local dev server, plain gRPC, namespace default', () => {
    expect(loadConfig({})).toMatchObject({ TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: expect.any(String) });
  });

  test.each([
    ['Temporal Cloud with an API key', { TEMPORAL_ADDRESS: 'zz-bases.a1b2c.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'zz-bases.a1b2c', TEMPORAL_API_KEY: 'key' }],
    ['Temporal Cloud with mTLS', { TEMPORAL_ADDRESS: 'zz-bases.a1b2c.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'zz-bases.a1b2c', TEMPORAL_TLS_CERT: A_FILE, TEMPORAL_TLS_KEY: A_FILE }],
    ['a self-hosted cluster behind a private CA', { TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_TLS_CA: A_FILE, TEMPORAL_TLS_SERVER_NAME: 'temporal' }],
    ['TLS to a publicly trusted certificate', { TEMPORAL_ADDRESS: 'temporal.example.cn:443', TEMPORAL_TLS: 'true' }],
    ['an IPv6 address', { TEMPORAL_ADDRESS: '[::1]:7233' }],
    ['its own task queue', { TEMPORAL_TASK_QUEUE: 'zz-bases-zhengzhou' }],
  ])('%s is accepted', (_, env) => {
    expect(loadConfig(env)).toMatchObject(env);
  });

  test('a client certificate without its key names both variables, and so does a key alone', () => {
    expect(problems({ TEMPORAL_TLS_CERT: A_FILE })).toMatch(/TEMPORAL_TLS_KEY: missing: TEMPORAL_TLS_CERT is set/);
    expect(problems({ TEMPORAL_TLS_KEY: A_FILE })).toMatch(/TEMPORAL_TLS_CERT: missing: TEMPORAL_TLS_KEY is set/);
  });

  test('a certificate path that does not exist is named', () => {
    const missing = path.join(__dirname, 'no-such-client.pem');
    expect(problems({ TEMPORAL_TLS_CERT: missing, TEMPORAL_TLS_KEY: A_FILE })).toMatch(/TEMPORAL_TLS_CERT: no such file \(the path of the client certificate, PEM\)/);
    expect(problems({ TEMPORAL_TLS_CA: missing })).toMatch(/TEMPORAL_TLS_CA: no such file/);
  });

  test.each(['http://127.0.0.1:7233', '127.0.0.1', 'temporal:99999', 'temporal:port', 'tem poral:7233', ':7233'])('TEMPORAL_ADDRESS=%s is refused as host:port', (address) => {
    expect(problems({ TEMPORAL_ADDRESS: address })).toMatch(/TEMPORAL_ADDRESS: host:port without a scheme/);
  });

  test('TLS switched off while a certificate or an API key asks for it is a contradiction', () => {
    expect(problems({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'key' })).toMatch(/TEMPORAL_TLS: false, yet/);
    expect(problems({ TEMPORAL_TLS: 'yes' })).toMatch(/TEMPORAL_TLS: true or false/);
  });

  test('an empty variable counts as unset', () => {
    expect(loadConfig({ TEMPORAL_TLS_CERT: '', TEMPORAL_TLS_KEY: '', TEMPORAL_ADDRESS: '' })).toMatchObject({ TEMPORAL_ADDRESS: '127.0.0.1:7233' });
  });
});

describe('production', () => {
  test.each([
    ['no secret', {}],
    ['the development secret', { AUTH_JWT_SECRET: DEV_JWT_SECRET }],
    ['a short secret', { AUTH_JWT_SECRET: 'short' }],
  ])('refuses to start with %s', (_, env) => {
    expect(problems({ NODE_ENV: 'production', ...env })).toMatch(/AUTH_JWT_SECRET: production needs a real secret of at least 32 characters/);
  });

  test.each([
    ['a faster clock', { TIME_SCALE: '300000' }, /TIME_SCALE: production runs in real time: 1/, { TIME_SCALE: 300000 }],
    ['the illustrative policy', { POLICY_VERSION: 'example-7wd' }, /POLICY_VERSION: example-7wd is an illustration, not a published issue of the measures; production takes 2021/, { POLICY_VERSION: 'example-7wd' }],
  ])('refuses to start with %s, which would stay with every base it opened', (_, env, why, elsewhere) => {
    expect(problems({ NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET, ...env })).toMatch(why);
    expect(loadConfig({ NODE_ENV: 'development', ...env })).toMatchObject(elsewhere);
  });

  test('starts with a real secret', () => {
    expect(loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET }).jwtSecret).toBe(SECRET);
  });

  test('tokens are checked against the secret, and the issuer and audience where they are named', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET, AUTH_JWT_ISSUER: 'https://sso.example', AUTH_JWT_AUDIENCE: 'coop-bases' }).tokens).toEqual({ secret: SECRET, issuer: 'https://sso.example', audience: 'coop-bases' });
    expect(loadConfig({ AUTH_JWT_ISSUER: '' }).tokens).toEqual({ secret: DEV_JWT_SECRET, issuer: undefined, audience: undefined });
  });

  test('every problem is listed at once, one line each', () => {
    const message = problems({ NODE_ENV: 'production', TEMPORAL_ADDRESS: 'temporal', TEMPORAL_TLS_CERT: A_FILE, TIME_SCALE: '0', DATABASE_URL: 'mysql://x' });
    expect(message.split('\n').slice(1).map((l) => l.trim().split(':')[0]).sort()).toEqual(
      ['AUTH_JWT_SECRET', 'DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_TLS_KEY', 'TIME_SCALE'],
    );
  });
});

test('docker-compose.yml passes every variable through to the workers and APIs, with the code defaults', () => {
  // The workers' and the APIs' environment is the `x-app-env` block; HOST and PORT are the API container's own.
  const text = readFileSync(path.join(__dirname, '../../docker-compose.yml'), 'utf8');
  const block = text.slice(text.indexOf('x-app-env: &app-env'), text.indexOf('\n\n', text.indexOf('x-app-env: &app-env')));
  const env = Object.fromEntries([...block.matchAll(/^ {2}([A-Z_]+): (.*)$/gm)].map((m) => [m[1], m[2]]));
  const passed = Object.keys(env).filter((k) => env[k].startsWith(`\${${k}:`));
  expect(passed.sort()).toEqual(CONFIG_VARIABLES.filter((v) => !['NODE_ENV', 'HOST', 'PORT'].includes(v)).sort());
  const defaults = loadConfig({});
  for (const k of ['PG_POOL_SIZE', 'REQUEST_TIMEOUT_MS', 'OBJECTIONS_PER_MINUTE', 'OUTSTANDING_SWEEP_MS', 'OUTSTANDING_GIVE_UP_MS', 'WORKER_MAX_CACHED_WORKFLOWS', 'WORKER_MAX_CONCURRENT_TASKS', 'TIME_SCALE', 'LOG_LEVEL'] as const) {
    expect([k, env[k]]).toEqual([k, `\${${k}:-${defaults[k]}}`]);
  }
});

test('PUBLIC_ORIGINS takes origins as a browser sends them, and nothing else', () => {
  expect(loadConfig({ PUBLIC_ORIGINS: 'https://kjj.example.gov.cn, http://127.0.0.1:8080' }).PUBLIC_ORIGINS).toEqual(['https://kjj.example.gov.cn', 'http://127.0.0.1:8080']);
  expect(loadConfig({}).PUBLIC_ORIGINS).toEqual([]);
  for (const bad of ['https://kjj.example.gov.cn/', 'kjj.example.gov.cn', 'https://kjj.example.gov.cn/objections', '*']) {
    expect(problems({ PUBLIC_ORIGINS: bad })).toMatch(/PUBLIC_ORIGINS: comma-separated origins as a browser sends them/);
  }
});

test('an unknown LOG_LEVEL stops the start, naming the levels', () => {
  expect(problems({ LOG_LEVEL: 'verbose' })).toMatch(/LOG_LEVEL: one of debug, info, warn, error/);
});

describe('the cluster topology (npm run cluster)', () => {
  const root = path.join(path.sep, 'checkout');

  test('defaults: two workers, two APIs from port 3000, Temporal on 7233 with 30 days of retention, data/cluster', () => {
    expect(clusterOptions({}, root)).toEqual({
      databaseUrl: undefined,
      embeddedPgPort: 5489,
      temporalPort: 7233,
      namespace: 'zz-coop-bases',
      retentionDays: 30,
      temporalDb: 'temporal',
      dataDir: path.join(root, 'data', 'cluster'),
      workers: 2,
      apiPorts: [3000, 3001],
    });
  });

  test('sizes, ports and retention come from the environment', () => {
    expect(clusterOptions({ CLUSTER_WORKERS: '3', CLUSTER_APIS: '3', PORT: '4000', TEMPORAL_RETENTION_DAYS: '365' }, root)).toMatchObject({ workers: 3, apiPorts: [4000, 4001, 4002], retentionDays: 365 });
  });

  test.each([
    [{ TEMPORAL_PORT: '40000' }, /TEMPORAL_PORT: at most 33061: membership ports/],
    [{ TEMPORAL_RETENTION_DAYS: '0' }, /TEMPORAL_RETENTION_DAYS: Temporal keeps closed runs for at least a day/],
    [{ DATABASE_URL: 'postgres://pg/temporal' }, /DATABASE_URL: names temporal, which is Temporal's own database/],
    [{ TEMPORAL_DB_NAME: 'Temporal-DB' }, /TEMPORAL_DB_NAME: a lowercase SQL identifier/],
    [{ CLUSTER_WORKERS: '0' }, /CLUSTER_WORKERS/],
  ])('%j is refused by name', (env, message) => {
    expect(() => clusterOptions(env, root)).toThrow(message);
  });
});

describe('the proxies in front of the API', () => {
  test('none but a local one by default; behind a balancer, a count or its addresses', () => {
    expect(loadConfig({}).TRUST_PROXY).toEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback,fd00::/8, 192.0.2.10' }).TRUST_PROXY).toEqual(['10.0.0.0/8', 'loopback', 'fd00::/8', '192.0.2.10']);
  });
  test.each(['everyone', '10.0.0.0/33', '10.0.0/8', 'true', '1.5'])('%s is refused by name', (value) => {
    expect(problems({ TRUST_PROXY: value })).toMatch(/TRUST_PROXY: a count of proxies in front/);
  });
});
