import { rmSync } from 'node:fs';
import { defaultPayloadConverter } from '@temporalio/common';
import { Pool, QueryConfig } from 'pg';
import { ensureDatabase } from '../../runtime/processes';
import { getDecisionTarget } from '../../store/bases';
import { persistDecision } from '../../store/decisions';
import { migrate } from '../../store/migrate';
import { recordOutstanding } from '../../store/outstanding';
import { postgresServer, serversDir } from '../../test/support/servers';
import { CURRENT_GENERATION, fromJson, loadFixtures } from '../../test/support/replay';
import { DecisionAnswer, isDecisionAnswer, UpdateAnswer } from '../../workflows/messages';
import { cpuSecondsOf } from './cpu';
import { inLanes, median, round } from './stats';
import { counts } from './options';

/**
 * What PostgreSQL and its client spend on a decision's three statements (the API's read, its
 * outstanding row, the write of the answer), with the statements prepared as the store sends them
 * and with the same statements sent unnamed (parsed and planned every time). The answers are the
 * recorded ones of today's generation. Rounds alternate in one process, against a server of the
 * bench's own (embedded unless DATABASE_URL is set); its CPU is read from /proc, so only for a
 * server on this machine.
 *   npm run bench:pg [-- --rounds 3 --bases 400 --concurrency 4]
 */
class UnpreparedPool extends Pool {
  // Accepts what Pool.query accepts; only a named statement's name is dropped.
  override query(...args: unknown[]): never {
    const [config] = args;
    if (config && typeof config === 'object' && 'name' in config) {
      const { name: _named, ...unnamed } = config as QueryConfig;
      args[0] = unnamed;
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

function recordedAnswers(): DecisionAnswer[] {
  const fixture = loadFixtures().find((f) => f.generation === CURRENT_GENERATION && f.path === 'certified_then_qualified');
  if (!fixture) throw new Error(`no certified_then_qualified fixture in ${CURRENT_GENERATION}`);
  return fixture.runs.flatMap((r) =>
    (fromJson(r.history).events ?? []).flatMap((e) => {
      const payload = e.workflowExecutionUpdateCompletedEventAttributes?.outcome?.success?.payloads?.[0];
      const answer = payload && (defaultPayloadConverter.fromPayload(payload as never) as UpdateAnswer);
      return answer && isDecisionAnswer(answer) && answer.records.length ? [answer] : [];
    }),
  );
}

async function backends(pool: Pool, concurrency: number): Promise<number[]> {
  const clients = await Promise.all(Array.from({ length: concurrency }, () => pool.connect()));
  const pids = await Promise.all(clients.map(async (c) => (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number));
  clients.forEach((c) => c.release());
  return pids;
}

interface Cost {
  clientMs: number;
  serverMs: number;
  wallMs: number;
}

async function costPerDecision(pool: Pool, pids: number[], answers: DecisionAnswer[], bases: number, concurrency: number): Promise<Cost> {
  const tag = Math.random().toString(36).slice(2, 8);
  const server0 = cpuSecondsOf(pids);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  await inLanes(bases, concurrency, async (i) => {
    const id = `bench-${tag}-${i}`;
    for (const [k, a] of answers.entries()) {
      const updateId = `u-${k}`;
      await getDecisionTarget(pool, id, updateId, true);
      // Keyed, as the bench's journeys and most clients send decisions: with the body's fingerprint.
      await recordOutstanding(pool, id, updateId, `fingerprint-${k}`);
      await persistDecision(pool, { workflowId: `base-${id}`, runId: a.runId, records: a.records, state: { ...a.state, id } }, { updateId });
    }
  });
  const decisions = bases * answers.length;
  const client = process.cpuUsage(client0);
  return {
    clientMs: (client.user + client.system) / 1000 / decisions,
    serverMs: ((cpuSecondsOf(pids) - server0) * 1000) / decisions,
    wallMs: (performance.now() - t0) / decisions,
  };
}

async function main() {
  const { rounds, bases, concurrency } = counts({ rounds: 3, bases: 400, concurrency: 4 });
  const tmp = serversDir('zz-bases-bench-pg-');
  const server = await postgresServer(tmp);
  const url = await ensureDatabase(server.url, `zz_bench_pg_${Date.now()}`);
  // Idle connections kept (idleTimeoutMillis 0), so the backends whose CPU is read stay the pool's.
  const options = { connectionString: url, max: concurrency, idleTimeoutMillis: 0 };
  const pools = { prepared: new Pool(options), unprepared: new UnpreparedPool(options) };
  try {
    await migrate(pools.prepared);
    const answers = recordedAnswers();
    const pids = { prepared: await backends(pools.prepared, concurrency), unprepared: await backends(pools.unprepared, concurrency) };
    const local = cpuSecondsOf([...pids.prepared, ...pids.unprepared]) > 0;
    console.log(`${answers.length} recorded decisions a base (${CURRENT_GENERATION}), ${bases} bases a round, ${concurrency} at once; first round is warm-up`);
    const seen: Record<keyof typeof pools, Cost[]> = { prepared: [], unprepared: [] };
    for (let r = 0; r <= rounds; r++) {
      // Alternating which goes first, so that a drift of the machine touches both alike.
      const order = (r % 2 ? ['unprepared', 'prepared'] : ['prepared', 'unprepared']) as (keyof typeof pools)[];
      const line = [];
      for (const mode of order) {
        const c = await costPerDecision(pools[mode], pids[mode], answers, bases, concurrency);
        if (r > 0) seen[mode].push(c);
        line.push(`${mode} client ${c.clientMs.toFixed(3)}, server ${local ? c.serverMs.toFixed(3) : 'n/a'}, wall ${c.wallMs.toFixed(3)}`);
      }
      console.log(`${r === 0 ? 'warm-up' : `round ${r}`}: ms a decision: ${line.join(' | ')}`);
    }
    for (const [mode, cs] of Object.entries(seen)) {
      const m = (f: (c: Cost) => number) => round(median(cs.map(f)), 3);
      console.log(`median, ${mode}: client ${m((c) => c.clientMs)} ms, server ${local ? `${m((c) => c.serverMs)} ms` : 'n/a (not on this machine)'}, wall ${m((c) => c.wallMs)} ms a decision`);
    }
  } finally {
    await Promise.all(Object.values(pools).map((p) => p.end()));
    await server.stop?.();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
