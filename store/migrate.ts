import { Pool } from 'pg';
import { seedCalendarYears } from './calendar';
import { MIGRATIONS } from './migrations';
import { inTransaction } from './pool';

// Any number of workers and API instances may start at once: one advisory lock serialises them.
export const MIGRATION_LOCK = 4_210_100;

// Waiting for another process's migration, or running a long one, is no request: the pool's
// deadlines (15 s and less) would stop a start that only had to wait.
const MIGRATION_TIMEOUT_MS = 600_000;
const patient = (text: string, values?: unknown[]) => ({ text, values, query_timeout: MIGRATION_TIMEOUT_MS });

export async function migrate(pool: Pool): Promise<void> {
  await inTransaction(pool, async (c) => {
    await c.query(patient(`SET LOCAL statement_timeout = ${MIGRATION_TIMEOUT_MS}`));
    await c.query(patient('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]));
    // Looked for before it is created: CREATE … IF NOT EXISTS needs the right to create even when
    // the table is there, and a production role that does not own the schema has none.
    const { rows } = await c.query<{ made: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS made");
    if (!rows[0].made) await c.query('CREATE TABLE schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await c.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id));
    for (const m of MIGRATIONS) {
      if (done.has(m.id)) continue;
      await c.query(patient(m.sql));
      await c.query('INSERT INTO schema_migrations (id) VALUES ($1)', [m.id]);
    }
    await seedCalendarYears(c);
  });
}
