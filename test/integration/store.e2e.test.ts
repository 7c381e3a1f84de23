import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { ensureDatabase } from '../../runtime/processes';
import { migrate } from '../../store/migrate';
import { allocateNoticeSerial } from '../../store/notices';
import { recordOutstanding } from '../../store/outstanding';
import { applyEvents, Command, decide } from '../../domain';
import { DecisionBatch, EventLogConflict, persistDecision } from '../../store/decisions';
import { actors, application } from '../domain/fixtures';
import { createPool } from '../../store/pool';
import { until } from '../support/poll';

// The permanent record and the locks around it, on a real PostgreSQL.
jest.setTimeout(60_000);
let url: string;
let pool: Pool;
beforeAll(async () => {
  url = await ensureDatabase(process.env.TEST_PG_SERVER_URL!, `zz_store_${randomBytes(3).toString('hex')}`);
  pool = createPool(url, 5);
  await migrate(pool);
});
afterAll(() => pool?.end());

test('the event log cannot be changed, deleted from or emptied, by UPDATE, DELETE or TRUNCATE', async () => {
  await pool.query(
    `INSERT INTO base_events (base_id, seq, type, at, actor, command_id, from_stage, to_stage, policy_version, payload, workflow_id, run_id)
     VALUES ('b-store-1', 1, 'Submitted', now(), '{}', 'c1', NULL, 'district_review', '2021', '{}', 'base-b-store-1', 'r1')`,
  );
  await expect(pool.query(`UPDATE base_events SET type = 'Withdrawn'`)).rejects.toThrow(/append-only/);
  await expect(pool.query('DELETE FROM base_events')).rejects.toThrow(/append-only/);
  await expect(pool.query('TRUNCATE base_events')).rejects.toThrow(/append-only/);
  expect((await pool.query('SELECT count(*)::int AS n FROM base_events')).rows).toEqual([{ n: 1 }]);
});

test('a batch with an event at a number the log holds from another decision writes nothing, and says so; a retry of the same decision is no conflict', async () => {
  const BASE = 'b-store-reset';
  const AT = '2026-11-28T10:00:00.000+08:00';
  const submit = (commandId: string) => ({ type: 'submit', baseId: BASE, policyVersion: '2021', application: application(), actor: actors.applicant, at: AT, commandId }) as Command;
  const recommend = { type: 'recommend', comment: '推荐', actor: actors.district, at: AT, commandId: 'recommend-after-reset' } as Command;
  const batchOf = (...commands: Command[]): DecisionBatch => {
    let state;
    const records = [];
    for (const c of commands) {
      const applied = applyEvents(state, decide(state, c));
      state = applied.state;
      records.push(...applied.records);
    }
    return { workflowId: `base-${BASE}`, runId: 'r1', records, state: state! };
  };
  await persistDecision(pool, batchOf(submit('first')));
  await persistDecision(pool, batchOf(submit('first')));
  await recordOutstanding(pool, BASE, 'recommend-after-reset');
  // A run reset to before its submission decides it again under another command id, and goes on.
  const reset = batchOf(submit('after-reset'), recommend);
  expect(reset.records.map((r) => r.seq)).toEqual([1, 2]);
  await expect(persistDecision(pool, reset, { updateId: 'recommend-after-reset' })).rejects.toThrow(EventLogConflict);
  await expect(persistDecision(pool, reset, { updateId: 'recommend-after-reset' })).rejects.toThrow(/holds event 1 from command first, where run r1 decided command after-reset.*Resetting a base/);
  // Nothing of the batch: not its second event, its letters, the read model, nor the row it settles.
  const read = async (sql: string) => (await pool.query(sql, [BASE])).rows;
  expect(await read('SELECT seq, command_id FROM base_events WHERE base_id = $1')).toEqual([{ seq: 1, command_id: 'first' }]);
  expect(await read('SELECT DISTINCT seq FROM notifications WHERE base_id = $1')).toEqual([{ seq: 1 }]);
  expect(await read('SELECT version, stage FROM bases WHERE id = $1')).toEqual([{ version: 1, stage: 'district_review' }]);
  expect(await read('SELECT update_id FROM outstanding_decisions WHERE base_id = $1')).toEqual([{ update_id: 'recommend-after-reset' }]);
});

test("two attempts at one base's notice serial at once (an attempt still running beside its retry) both get the one number", async () => {
  const year = 2031;
  await allocateNoticeSerial(pool, 'b-earlier', year);
  // Another certification that year holds the year's lock until both attempts have looked and wait for it.
  const holder = await pool.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock(4210101, $1)', [year]);
    const both = Promise.all([allocateNoticeSerial(pool, 'b-store-2', year), allocateNoticeSerial(pool, 'b-store-2', year)]);
    const waiting = async () => (await pool.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")).rows[0].n;
    await until('both attempts waiting for the year', waiting, (n) => n === 2, 10_000, 50);
    await holder.query('COMMIT');
    expect(await both).toEqual([
      { year, serial: 2 },
      { year, serial: 2 },
    ]);
  } finally {
    holder.release();
  }
});

test('a transaction of ours left idle (its client gone silent) is ended by the server, and its lock freed', async () => {
  const quick = createPool(url, 1, 15_000, 500);
  const other = createPool(url, 1);
  try {
    const abandoned = await quick.connect();
    await abandoned.query('BEGIN');
    await abandoned.query('SELECT pg_advisory_xact_lock(4210101, 2032)');
    // Free soon after the half second: the server ends the transaction, not this test.
    const got = async () => (await other.query('SELECT pg_try_advisory_xact_lock(4210101, 2032) AS got')).rows[0].got as boolean;
    expect(await until('the lock freed', got, Boolean, 20_000, 100)).toBe(true);
    abandoned.release(true);
  } finally {
    await Promise.all([quick.end(), other.end()]);
  }
});

test('the application can run as a role that does not own the tables: it starts, decides and reads, and cannot touch the log', async () => {
  const role = `zz_app_${randomBytes(3).toString('hex')}`;
  await pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'app-role-check'`);
  try {
    await pool.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await pool.query(`GRANT SELECT, INSERT ON base_events TO ${role}`);
    await pool.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
    await pool.query(`REVOKE UPDATE, DELETE ON base_events FROM ${role}`);
    const asApp = new URL(url);
    asApp.username = role;
    asApp.password = 'app-role-check';
    const app = createPool(asApp.toString(), 2);
    try {
      await expect(migrate(app)).resolves.toBeUndefined();
      await expect(allocateNoticeSerial(app, 'b-store-3', 2033)).resolves.toEqual({ year: 2033, serial: 1 });
      await expect(app.query('TRUNCATE base_events')).rejects.toThrow(/permission denied|append-only/);
      await expect(app.query('ALTER TABLE base_events DISABLE TRIGGER base_events_no_truncate')).rejects.toThrow(/must be (the )?owner/);
    } finally {
      await app.end();
    }
  } finally {
    await pool.query(`DROP OWNED BY ${role}`);
    await pool.query(`DROP ROLE ${role}`);
  }
});
