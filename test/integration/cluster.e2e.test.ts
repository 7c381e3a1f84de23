import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Connection, Client as TemporalClient } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Pool } from 'pg';
import { Application } from '../../domain';
import { startTestCluster, TestCluster } from '../support/cluster';
import { applicantToken, application, client, HttpClient, INDICATORS, Reply, staff, thisYear } from '../support/http';
import { publicitySteps } from '../support/journeys';
import { setTimeout as sleep } from 'node:timers/promises';

// The production-shaped topology of `npm run cluster`: the real Temporal server (not the dev
// server) on PostgreSQL, two workers, two API instances. Requests alternate between the APIs; one
// worker is killed with SIGKILL half-way. Windows run 5,000,000 times faster (a year ≈ 6 s), and
// workflows continue as new after 40 events, so trails span runs.
jest.setTimeout(180_000);

interface Journey {
  name: string;
  steps: Step[];
  final: string;
  timers: string[];
  id: string;
  token: string;
  app: Application;
  accepted: string[];
}
type Who = (j: Journey) => string;
type Extra = object | ((j: Journey) => object);
type Step = { kind: 'act'; who: Who; type: string; stage: string; extra: Extra } | { kind: 'wait'; stage: string };

const act = (who: Who, type: string, stage: string, extra: Extra = {}): Step => ({ kind: 'act', who, type, stage, extra });
const wait = (stage: string): Step => ({ kind: 'wait', stage });
const applicant: Who = (j) => j.token;
const district: Who = (j) => staff.district(j.app.applicant.district);
const officer: Who = () => staff.officer();
const leader: Who = () => staff.leader();

const TO_CERTIFIED = [...publicitySteps().map((s) => act(s.who, s.type, s.stage, s.extra)), wait('certified')];
const TO_REEVALUATION = [
  ...TO_CERTIFIED,
  act(applicant, 'submit_annual_report', 'certified', { year: thisYear(), indicators: INDICATORS }),
  act(officer, 'start_evaluation', 'evaluation', { round: '2026' }),
  act(applicant, 'submit_evaluation_report', 'evaluation', { indicators: INDICATORS }),
  act(officer, 'rate', 'rectification', { rating: 'unqualified', opinion: '指标未达标' }),
  act(applicant, 'submit_rectification_report', 'rectification', { summary: '已整改' }),
  wait('re_evaluation'),
  act(applicant, 'submit_evaluation_report', 're_evaluation', { indicators: INDICATORS }),
];
const journeys: Omit<Journey, 'id' | 'token' | 'app' | 'accepted'>[] = [
  { name: 'certified', steps: TO_CERTIFIED, final: 'certified', timers: ['close_publicity'] },
  { name: 'revoked by the leader', steps: [...TO_CERTIFIED, act(leader, 'revoke', 'revoked', { reason: '列入失信名单' })], final: 'revoked', timers: ['close_publicity'] },
  { name: 'rectified', steps: [...TO_REEVALUATION, act(officer, 'rate', 'certified', { rating: 'qualified', opinion: '整改到位' })], final: 'certified', timers: ['close_publicity', 'end_rectification'] },
  { name: 'revoked on re-evaluation', steps: [...TO_REEVALUATION, act(officer, 'rate', 'revoked', { rating: 'unqualified', opinion: '复评仍不合格' })], final: 'revoked', timers: ['close_publicity', 'end_rectification'] },
  {
    name: 'returned, resubmitted, declined',
    steps: [
      act(district, 'return', 'returned', { reason: '材料不全' }),
      act(applicant, 'resubmit', 'district_review', (j: Journey) => ({ application: { ...j.app, field: '生物医药' } })),
      act(district, 'decline', 'rejected', { reason: '不符合优先领域' }),
    ],
    final: 'rejected',
    timers: [],
  },
  { name: 'withdrawn', steps: [act(district, 'recommend', 'expert_review', {}), act(applicant, 'withdraw', 'withdrawn', { reason: '合作调整' })], final: 'withdrawn', timers: [] },
];

let cluster: TestCluster;
let apis: HttpClient[];
let pool: Pool;
let turn = 0;
/** Every request goes to the next API instance in turn. */
const api = () => apis[turn++ % apis.length];
let unavailable = 0;

/** A decision as a careful client sends it: one Idempotency-Key, retried while the answer is 503. */
async function send(path: string, body: unknown, token: string): Promise<Reply> {
  const key = randomUUID();
  for (let attempt = 1; ; attempt++) {
    const r = await api().post(path, body, token, { 'Idempotency-Key': key });
    if (r.status !== 503 || attempt === 20) return r;
    unavailable += 1;
    await sleep(1000);
  }
}

async function waitStage(j: Journey, stage: string): Promise<void> {
  const end = Date.now() + 120_000;
  let last: string | undefined;
  while (Date.now() < end) {
    last = (await api().get(`/api/bases/${j.id}`, staff.officer())).body?.stage;
    if (last === stage) return;
    await sleep(200);
  }
  throw new Error(`${j.name}: ${j.id} did not reach ${stage} (last: ${last})`);
}

async function run(j: Journey, steps: Step[]): Promise<void> {
  for (const [k, s] of steps.entries()) {
    if (s.kind === 'wait') {
      await waitStage(j, s.stage);
      continue;
    }
    const extra = typeof s.extra === 'function' ? s.extra(j) : s.extra;
    const r = await send(`/api/bases/${j.id}/actions`, { type: s.type, ...extra }, s.who(j));
    // The answer is the base as it is when it comes back: a window as short as this TIME_SCALE
    // makes it may already have closed, doing what the next wait waits for.
    const next = steps[k + 1];
    const ahead = next?.kind === 'wait' ? next.stage : undefined;
    if (r.status !== 200 || (r.body.stage !== s.stage && r.body.stage !== ahead)) throw new Error(`${j.name}: ${s.type} answered ${r.status} ${r.text}`);
    j.accepted.push(s.type);
  }
}

/** Waits while the condition holds, up to a bound; what follows asserts the outcome. */
async function until(waiting: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (waiting() && Date.now() < end) await sleep(200);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  cluster = await startTestCluster('cluster', { TIME_SCALE: '5000000', CONTINUE_AS_NEW_AFTER_EVENTS: '40', REQUEST_TIMEOUT_MS: '15000' });
  apis = cluster.status.apis.map((a) => client(a.url));
  pool = new Pool({ connectionString: cluster.databaseUrl, max: 2 });
}, 25 * 60_000);
afterAll(async () => {
  await pool?.end();
  await cluster?.dispose();
});

test('the namespace keeps closed runs 30 days and archives their histories to the filesystem', async () => {
  const connection = await Connection.connect({ address: cluster.status.temporal.address });
  try {
    const ns = await connection.workflowService.describeNamespace({ namespace: cluster.status.temporal.namespace });
    expect(Number(ns.config?.workflowExecutionRetentionTtl?.seconds)).toBe(30 * 86400);
    expect(ns.config?.historyArchivalState).toBe(temporal.api.enums.v1.ArchivalState.ARCHIVAL_STATE_ENABLED);
    expect(ns.config?.historyArchivalUri).toBe(cluster.status.temporal.archivalUri);
  } finally {
    await connection.close();
  }
});

test('bases driven through two API instances survive a worker killed half-way, whole and exactly once', async () => {
  const [victim, survivor] = cluster.status.workers;
  const all: Journey[] = [];
  for (const shape of journeys) {
    const app = application();
    const token = applicantToken(app.applicant.creditCode);
    const r = await send('/api/bases', app, token);
    expect(r.status).toBe(201);
    all.push({ ...shape, id: r.body.id, token, app, accepted: [] });
  }

  // Half of every journey, then SIGKILL one worker while the second halves are in flight.
  const half = (j: Journey) => Math.ceil(j.steps.length / 2);
  await Promise.all(all.map((j) => run(j, j.steps.slice(0, half(j)))));
  const rest = Promise.all(all.map((j) => run(j, j.steps.slice(half(j)))));
  process.kill(victim.pid, 'SIGKILL');
  await rest;
  const reported = `${victim.name} (pid ${victim.pid}) exited (SIGKILL); 1 of 2 workers still running`;
  await until(() => !cluster.output().includes(reported));
  expect(cluster.output()).toContain(reported);
  expect(alive(victim.pid)).toBe(false);
  expect(alive(survivor.pid)).toBe(true);

  const connection = await Connection.connect({ address: cluster.status.temporal.address });
  const temporalClient = new TemporalClient({ connection, namespace: cluster.status.temporal.namespace });
  const identities = new Set<string>();
  let closedRuns = 0;
  try {
    for (const j of all) {
      const view = (await api().get(`/api/bases/${j.id}`, staff.officer())).body;
      expect({ name: j.name, stage: view.stage }).toEqual({ name: j.name, stage: j.final });

      // The event log: seqs 1..version, each decision's events together, no command twice.
      const rows = (await pool.query(`SELECT seq, command_id, actor->>'role' AS role FROM base_events WHERE base_id = $1 ORDER BY seq`, [j.id])).rows;
      expect(rows.map((r) => r.seq)).toEqual(range(view.version));
      const blocks = rows.filter((r, i) => i === 0 || rows[i - 1].command_id !== r.command_id);
      expect(new Set(blocks.map((b) => b.command_id)).size).toBe(blocks.length);
      expect(blocks.filter((b) => b.role !== 'system')).toHaveLength(j.accepted.length + 1);
      const model = (await pool.query('SELECT version, stage FROM bases WHERE id = $1', [j.id])).rows[0];
      expect(model).toEqual({ version: view.version, stage: j.final });

      // The audit trail: the submission and every accepted action once, in order; the timers the
      // journey implies; every persisted seq exactly once.
      const trail = (await api().get(`/api/bases/${j.id}/history`, staff.officer())).body;
      expect(trail.entries.filter((e: any) => e.kind === 'submitted')).toHaveLength(1);
      expect(trail.entries.filter((e: any) => e.kind === 'action').map((e: any) => e.action)).toEqual(j.accepted);
      expect(trail.entries.filter((e: any) => e.kind === 'timer').map((e: any) => e.action)).toEqual(j.timers);
      const persisted = trail.entries.filter((e: any) => e.kind === 'persisted').flatMap((e: any) => e.detail.seqs);
      expect([...persisted].sort((a, b) => a - b)).toEqual(range(view.version));
      if (j.timers.includes('end_rectification')) expect(trail.runs.length).toBeGreaterThan(1);
      expect(trail.runs.every((r: any) => r.source === 'temporal')).toBe(true);
      closedRuns += trail.runs.filter((r: any) => r.closedAt).length;

      for (const r of trail.runs) {
        const history = await temporalClient.workflow.getHandle(`base-${j.id}`, r.runId).fetchHistory();
        for (const e of history.events ?? []) {
          const who = e.workflowTaskCompletedEventAttributes?.identity;
          if (who) identities.add(who.split('@')[0]);
        }
      }
    }
  } finally {
    await connection.close();
  }
  // Both workers took part, so the kill hit a worker that held workflows in its cache.
  expect([...identities].sort()).toEqual([String(victim.pid), String(survivor.pid)].sort());

  // Every closed run (the terminal journeys' last runs, every run ended by continue-as-new) is
  // copied to the archive, within the archival delay of cluster/dynamicconfig.yaml.
  const archive = fileURLToPath(cluster.status.temporal.archivalUri);
  const archived = () => readdirSync(archive, { recursive: true }).filter((f) => String(f).endsWith('.history'));
  expect(closedRuns).toBeGreaterThanOrEqual(4);
  await until(() => archived().length < closedRuns, 90_000);
  expect(archived()).toHaveLength(closedRuns);
  if (unavailable) console.log(`${unavailable} request(s) answered 503 during the fail-over and were retried with their Idempotency-Key`);
});

test('Ctrl-C stops the API instances, the workers and the Temporal server, and exits 0', async () => {
  const { status } = cluster;
  expect(await cluster.interrupt()).toBe(0);
  for (const pid of [status.temporal.pid, ...status.workers.map((w) => w.pid), ...status.apis.map((a) => a.pid)]) expect(alive(pid)).toBe(false);
  expect(cluster.output()).toContain('stopped');
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
