import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort, startTemporalDevServer } from '../../runtime/processes';
import { check, FaultSpan, Findings } from '../../scripts/chaos/check';
import { Accepted, journey, JourneyContext } from '../../scripts/chaos/journey';
import { CallStats, newStats } from '../../scripts/chaos/persistently';
import { client, HttpClient, staff } from '../support/http';
import { publicitySteps, step, submit, toPublicity } from '../support/journeys';
import { until } from '../support/poll';
import { startStack, Stack } from '../support/stack';
import { startTcpProxy } from '../support/tcp-proxy';
import { refuseInserts } from '../support/refusals';
import { temporalClient } from '../support/temporal';
import { setTimeout as sleep } from 'node:timers/promises';

// Slow on purpose: each case runs a stack of its own, drives bases through their lives with the
// chaos script's journeys, takes a dependency away in the middle and holds every accepted
// decision against the workflow, the event table and the read model afterwards.
jest.setTimeout(900_000);

const YEAR_MS = 365 * 864e5;

/**
 * What every fault must leave behind: nothing lost, nothing twice, every timer fired. How late a
 * timer fired is the machine's speed as much as the code's, so `npm run chaos` reports it and no
 * test holds it to a bound.
 */
function expectIntact(f: Findings, stats: CallStats) {
  expect({ lost: f.lost, duplicates: f.duplicates, divergent: f.divergent, readModelBehind: f.readModelBehind, timersMissing: f.timers.missing }).toEqual({
    lost: [],
    duplicates: [],
    divergent: [],
    readModelBehind: [],
    timersMissing: [],
  });
  expect(f.acceptedInWorkflows).toBe(f.accepted);
  expect(f.timers.fired).toBe(f.timers.due);
  expect(f.events).toBeGreaterThanOrEqual(f.accepted);
  // Callers heard 503 with Retry-After, never a hang, never another 5xx, never a dropped connection (the API stays up).
  expect({ hung: stats.hung, serverErrors: stats.serverErrors, noRetryAfter: stats.noRetryAfter, networkErrors: stats.networkErrors }).toEqual({
    hung: 0,
    serverErrors: 0,
    noRetryAfter: 0,
    networkErrors: 0,
  });
}

/** While a dependency is down: a well-formed 503 within the client's deadline, not a hang and not a 500. */
async function expectUnavailable(
  http: HttpClient,
  method: string,
  p: string,
  o: { token?: string; body?: unknown; headers?: Record<string, string>; withinMs?: number } = {},
  applied?: boolean | 'unknown',
) {
  const r = await http.call(method, p, { token: o.token, body: o.body, headers: o.headers, timeoutMs: o.withinMs ?? 20_000 });
  if (applied !== undefined) expect(r.body.applied).toBe(applied);
  expect([method, p, r.status, r.headers.get('retry-after')]).toEqual([method, p, 503, expect.stringMatching(/^\d+$/)]);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.body).toMatchObject({ status: 503, title: expect.any(String), detail: expect.any(String) });
}

/** Readiness says which dependency is missing. */
async function expectNotReady(http: HttpClient, missing: 'postgres' | 'temporal') {
  const r = await http.call('GET', '/readyz', { timeoutMs: 20_000 });
  expect([r.status, r.headers.get('retry-after')]).toEqual([503, expect.stringMatching(/^\d+$/)]);
  expect(r.body).toMatchObject({ status: 'unavailable', checks: { [missing]: false } });
  // The calendar is read from PostgreSQL: named while it answers, left out while it does not.
  if (missing === 'postgres') expect(r.body).not.toHaveProperty('calendar');
  else expect(r.body.calendar).toEqual({ needed: expect.any(Array), missing: [] });
}

async function drive(stack: Stack, timeScale: number, indices: number[], stats: CallStats, accepted: Accepted[]) {
  const c: JourneyContext = { http: client(stack.url), stats, accepted, yearMs: YEAR_MS / timeScale, deadlineMs: 20_000, giveUpMs: 180_000 };
  const results = await Promise.allSettled(indices.map((i) => journey(c, i)));
  const broken = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
  expect(broken).toEqual([]);
  return results.map((r) => (r as PromiseFulfilledResult<{ baseId?: string }>).value.baseId!);
}

async function findings(stack: Stack, address: string, baseIds: string[], accepted: Accepted[], timeScale: number, faults: FaultSpan[]) {
  const connection = await Connection.connect({ address });
  try {
    return await check(stack.pool, new Client({ connection }), baseIds, accepted, timeScale, faults);
  } finally {
    await connection.close();
  }
}

const stageCount = async (stack: Stack, stage: string) =>
  (await stack.pool.query('SELECT count(*)::int AS n FROM bases WHERE stage = $1', [stage])).rows[0].n as number;

test('the worker killed with SIGKILL in the middle of decisions and timers: nothing lost, nothing twice, every timer fired', async () => {
  // A year of rectification in about 30 seconds: its timers are pending through several kills.
  const timeScale = 1_000_000;
  const stack = await startStack('faults-worker', { timeScale, env: { REQUEST_TIMEOUT_MS: '5000' } });
  try {
    const stats = newStats();
    const accepted: Accepted[] = [];
    const faults: FaultSpan[] = [];
    // The decision sent while no worker runs goes to a base of the test's own, waiting in expert
    // review: a journey's base may move on at any moment.
    const http = client(stack.url);
    const own = await submit(http);
    const [recommend] = publicitySteps();
    await step(http, own, recommend.who(own), recommend.type, recommend.extra, 'expert_review');
    let done = false;
    // A killed worker's tasks wait out their timeouts (10 s for a started task, 5 s for its sticky
    // queue) before another worker takes them, so the worker lives a little longer than that between kills.
    const killer = (async () => {
      await sleep(3000);
      while (!done) {
        const from = Date.now();
        await stack.worker.kill();
        if (faults.length === 0) {
          // No worker, no decision: the caller hears 503 when the API's deadline passes.
          await expectUnavailable(http, 'POST', `/api/bases/${own.id}/actions`, { token: staff.expert(9), body: { type: 'record_review', score: 70 } }, 'unknown');
        }
        await sleep(2000);
        await stack.startWorker();
        faults.push({ kind: 'worker SIGKILL', from, to: Date.now() });
        await sleep(12_000);
      }
    })();
    const baseIds = await drive(stack, timeScale, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 16], stats, accepted).finally(() => (done = true));
    await killer;
    expect(faults.length).toBeGreaterThanOrEqual(3);
    const f = await findings(stack, stack.env.TEMPORAL_ADDRESS!, baseIds, accepted, timeScale, faults);
    expectIntact(f, stats);
    expect(f.timers.due).toBeGreaterThanOrEqual(8);
  } finally {
    await stack.stop();
  }
});

test('the Temporal server killed (SIGKILL) and restarted on its SQLite file during publicity: windows close, decisions stay', async () => {
  // Five working days of publicity in about twenty seconds, so the outage falls inside the windows.
  const timeScale = 30_000;
  const port = await freePort();
  const dbFile = path.join(process.env.TEST_TMP!, `faults-temporal-${port}`, 'temporal.db');
  let temporal = await startTemporalDevServer({ port, dbFile });
  const stack = await startStack('faults-temporal', { timeScale, env: { TEMPORAL_ADDRESS: temporal.address, REQUEST_TIMEOUT_MS: '3000' } });
  try {
    const stats = newStats();
    const accepted: Accepted[] = [];
    const faults: FaultSpan[] = [];
    // The plans that end by recognition or earlier (a year of rectification would take 17 minutes here).
    const driving = drive(stack, timeScale, [0, 2, 3, 5, 7, 8, 9, 10, 13], stats, accepted);
    for (let i = 0; i < 600 && (await stageCount(stack, 'publicity')) < 3; i++) await sleep(100);
    expect(await stageCount(stack, 'publicity')).toBeGreaterThanOrEqual(3);
    // The objection goes to a base of the test's own, just put in publicity: a journey's base may
    // leave publicity at any moment (an upheld objection rejects it), and an older window could
    // close while the server stops (up to 5 s).
    const http = client(stack.url);
    const own = await submit(http);
    await toPublicity(http, own);
    const inPublicity = own.id;

    const from = Date.now();
    // A crash, not a shutdown: what the server answered must already be in its file (write-ahead log, synced a commit).
    await temporal.kill();
    try {
      await Promise.all([
        expectUnavailable(http, 'POST', `/api/bases/${inPublicity}/objections`, { body: { name: '王五', contact: '13900000000', reason: '材料不实' } }),
        expectNotReady(http, 'temporal'),
        // Reading needs only PostgreSQL.
        http.get(`/api/bases/${inPublicity}`, staff.officer()).then((r) => expect(r.status).toBe(200)),
        sleep(6000),
      ]);
    } finally {
      temporal = await startTemporalDevServer({ port, dbFile });
      faults.push({ kind: 'Temporal restart', from, to: Date.now() });
    }

    const baseIds = await driving;
    const f = await findings(stack, temporal.address, baseIds, accepted, timeScale, faults);
    expectIntact(f, stats);
    expect(f.timers.fired).toBeGreaterThanOrEqual(3);
  } finally {
    await stack.stop();
    await temporal.stop(5000);
  }
});

test('Temporal silently unreachable (a network that drops everything): 503 within the timeout, and the decision resent afterwards applies once', async () => {
  const temporal = new URL(`http://${process.env.TEST_TEMPORAL_ADDRESS}`);
  const proxy = await startTcpProxy({ host: temporal.hostname, port: Number(temporal.port) });
  const through = new URL(proxy.urlThrough(temporal.href)).host;
  const stack = await startStack('faults-temporal-silent', { env: { TEMPORAL_ADDRESS: through, REQUEST_TIMEOUT_MS: '3000' } });
  try {
    const http = client(stack.url);
    const b = await submit(http);
    const recommend = { type: 'recommend', comment: '推荐' };
    const headers = { 'idempotency-key': `silent-${b.id}` };
    const officer = staff.district(b.app.applicant.district);
    proxy.cut('blackhole');
    try {
      await Promise.all([
        // Within the API's 3 s, not the minutes a silent connection can hang for.
        expectUnavailable(http, 'POST', `/api/bases/${b.id}/actions`, { token: officer, body: recommend, headers, withinMs: 10_000 }, 'unknown'),
        expectNotReady(http, 'temporal'),
        // Reading needs only PostgreSQL.
        http.get(`/api/bases/${b.id}`, staff.officer()).then((g) => expect([g.status, g.body.stage]).toEqual([200, b.view.stage])),
      ]);
    } finally {
      proxy.restore();
    }
    const resend = () => http.call('POST', `/api/bases/${b.id}/actions`, { token: officer, body: recommend, headers, timeoutMs: 20_000 });
    const again = await until('the resend answered', resend, (r) => r.status !== 503, 60_000, 1000);
    expect([again.status, again.body.stage]).toEqual([200, 'expert_review']);
    const trail = await http.get(`/api/bases/${b.id}/history`, staff.officer());
    expect(trail.body.entries.filter((e: { kind: string; action?: string }) => e.kind === 'action' && e.action === 'recommend')).toHaveLength(1);
  } finally {
    await stack.stop();
    await proxy.close();
  }
});

test('PostgreSQL unreachable for a while, reset or silently dropped: 503 meanwhile, nothing lost afterwards', async () => {
  // A year of rectification in about 30 seconds: a report sent just as a blackhole starts is
  // retried through the whole cut (reads there wait out query_timeout) and still lands in the year.
  const timeScale = 1_000_000;
  const pg = new URL(process.env.TEST_PG_SERVER_URL!);
  const proxy = await startTcpProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
  const stack = await startStack('faults-pg', { timeScale, env: { REQUEST_TIMEOUT_MS: '3000' }, databaseUrlFor: (url) => proxy.urlThrough(url) });
  try {
    const stats = newStats();
    const accepted: Accepted[] = [];
    const faults: FaultSpan[] = [];
    const http = client(stack.url);
    let done = false;
    const cutter = (async () => {
      for (const mode of ['reset', 'blackhole', 'reset', 'blackhole'] as const) {
        await sleep(2500);
        if (done) break;
        const someBase = await until('a base to read', async () => (await stack.pool.query('SELECT id FROM bases LIMIT 1')).rows[0]?.id as string | undefined, Boolean);
        const from = Date.now();
        proxy.cut(mode);
        // Each query waits at most the API's 3 s deadline, even on a connection the blackhole
        // silenced (left to the pool's default it would wait 15 s): well inside 10 s.
        const withinMs = 10_000;
        try {
          await Promise.all([
            expectUnavailable(http, 'GET', `/api/bases/${someBase}`, { token: staff.officer(), withinMs }),
            expectUnavailable(http, 'POST', `/api/bases/${someBase}/actions`, { token: staff.officer(), body: { type: 'start_evaluation', round: '2030' }, withinMs }, false),
            expectUnavailable(http, 'GET', '/api/bases', { token: staff.officer(), withinMs }),
            expectNotReady(http, 'postgres'),
            sleep(3000),
          ]);
        } finally {
          proxy.restore();
          faults.push({ kind: `PostgreSQL ${mode}`, from, to: Date.now() });
        }
      }
    })();
    const baseIds = await drive(stack, timeScale, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], stats, accepted).finally(() => (done = true));
    await cutter;
    expect(faults.length).toBeGreaterThanOrEqual(2);
    const f = await findings(stack, stack.env.TEMPORAL_ADDRESS!, baseIds, accepted, timeScale, faults);
    expectIntact(f, stats);
  } finally {
    proxy.restore();
    await stack.stop();
    await proxy.close();
  }
});

test('the notice number refused by PostgreSQL for minutes: the base waits without its history growing, and is certified once it is given', async () => {
  const stack = await startStack('faults-notice', { timeScale: 5_000_000 });
  const temporal = await temporalClient();
  try {
    const http = client(stack.url);
    const b = await submit(http);
    // PostgreSQL refuses this base's notice number until the trigger goes.
    const allow = await refuseInserts(stack.pool, 'certification_notices', b.id);
    try {
      await toPublicity(http, b);
      const handle = temporal.workflow.getHandle(`base-${b.id}`);
      const waitsOnRegularActivity = (events: { activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null }[]) =>
        events.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'allocateNotice');
      await until('the lookup moved out of the workflow task', async () => (await handle.fetchHistory()).events ?? [], waitsOnRegularActivity, 90_000, 1000);
      const length = async () => (await handle.describe()).historyLength;
      const before = await length();
      await sleep(20_000);
      // A local activity retried all along would have kept its task alive: about three events every eight seconds.
      expect(await length()).toBe(before);
      expect((await http.get(`/api/bases/${b.id}`, staff.officer())).body.stage).toBe('publicity');
      // Being recognised: the applicant may no longer withdraw (the notice's number would be left
      // allocated, never issued). The read model still shows the window open: the close is written
      // with the certification, as one batch.
      const withdraw = await http.act(b.id, b.token, 'withdraw', { reason: '合作调整' });
      expect([withdraw.status, withdraw.body.detail]).toEqual([409, expect.stringContaining('being recognised')]);
    } finally {
      await allow();
    }
    const certified = await until('certified', async () => (await http.get(`/api/bases/${b.id}`, staff.officer())).body, (v) => v.stage === 'certified', 30_000);
    expect(certified.certification.notice).toMatch(/〔\d{4}〕\d+号$/);
  } finally {
    await temporal.connection.close();
    await stack.stop();
  }
});
