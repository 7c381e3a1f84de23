import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { distFile } from '../../runtime/paths';
import { ensureDatabase, freePort } from '../../runtime/processes';

// Each process validates its environment before it touches Temporal or PostgreSQL, and a bad one
// ends it with a non-zero code and the message naming what to fix: a half-configured worker must
// never join a task queue.
jest.setTimeout(60_000);
const A_FILE = __filename;

function run(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const DB = { DATABASE_URL: 'postgres://127.0.0.1:1/never_reached' };

test.each([
  ['worker-main.js', 'a client certificate without its key', { ...DB, TEMPORAL_TLS_CERT: A_FILE }, /TEMPORAL_TLS_KEY: missing: TEMPORAL_TLS_CERT is set/],
  ['worker-main.js', 'a URL for TEMPORAL_ADDRESS', { ...DB, TEMPORAL_ADDRESS: 'https://zz-bases.a1b2c.tmprl.cloud' }, /TEMPORAL_ADDRESS: host:port without a scheme/],
  ['api-main.js', 'production without a secret', { ...DB, NODE_ENV: 'production' }, /AUTH_JWT_SECRET: production needs a real secret/],
  ['api-main.js', 'a CA file that does not exist', { ...DB, TEMPORAL_TLS_CA: path.join(__dirname, 'missing-ca.pem') }, /TEMPORAL_TLS_CA: no such file/],
])('%s with %s exits 1 naming the problem', async (script, _, env, message) => {
  const { code, output } = await run(distFile('runtime', script), env);
  expect(code).toBe(1);
  expect(output).toMatch(message);
});

test('npm run cluster refuses a bad topology or a bad app variable before starting anything', async () => {
  const dataDir = path.join(process.env.TEST_TMP ?? '/tmp', 'cluster-config');
  const cluster = (env: NodeJS.ProcessEnv) => run(distFile('scripts', 'cluster', 'main.js'), { CLUSTER_DATA_DIR: dataDir, ...env });
  const port = await cluster({ TEMPORAL_PORT: '40000' });
  expect(port.code).toBe(1);
  expect(port.output).toMatch(/invalid cluster configuration:\n\s+TEMPORAL_PORT: at most 33061/);
  const app = await cluster({ ...DB, TIME_SCALE: '0', PORT: '1' });
  expect(app.code).toBe(1);
  expect(app.output).toMatch(/invalid configuration:\n\s+TIME_SCALE: at least 1/);
  expect(app.output).not.toMatch(/postgres:|temporal-server/);
});

test('an API whose port is taken exits 1 saying so, instead of announcing itself', async () => {
  const taken = net.createServer();
  const port = await freePort();
  await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
  try {
    const databaseUrl = await ensureDatabase(process.env.TEST_PG_SERVER_URL!, 'zz_port_taken');
    const { code, output } = await run(distFile('runtime', 'api-main.js'), { DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1' });
    expect(code).toBe(1);
    expect(output).toContain(`api cannot listen: 127.0.0.1:${port} is already in use`);
    expect(output).not.toContain('api listening');
  } finally {
    taken.close();
  }
});
