import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureDatabase } from '../../runtime/processes';
import { migrate, MIGRATION_LOCK } from '../../store/migrate';
import { createPool } from '../../store/pool';

jest.setTimeout(60_000);

// Workers and APIs started together migrate one at a time, behind one advisory lock: the one that
// waits must not give up on the pool's request deadlines, or a deployment's second process dies.
test("a process that finds another migrating waits for it, past its pool's own deadlines, then finds the schema done", async () => {
  const url = await ensureDatabase(process.env.TEST_PG_SERVER_URL!, `zz_migrate_${randomBytes(3).toString('hex')}`);
  const other = new Client({ connectionString: url });
  await other.connect();
  const pool = createPool(url, 1, 500);
  try {
    await other.query('BEGIN');
    await other.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const waiting = migrate(pool);
    let settled = false;
    waiting.then(
      () => (settled = true),
      () => (settled = true),
    );
    // The other process's migration outlasts the waiting one's query deadline threefold.
    await new Promise((r) => setTimeout(r, 1500));
    // Still waiting behind the lock: it neither went ahead nor gave up.
    expect(settled).toBe(false);
    await other.query('COMMIT');
    await expect(waiting).resolves.toBeUndefined();
    const { rows } = await pool.query("SELECT to_regclass('request_keys') IS NOT NULL AS made");
    expect(rows).toEqual([{ made: true }]);
  } finally {
    await other.end();
    await pool.end();
  }
});
