import { Pool } from 'pg';
import { seedCalendarYears } from './calendar';
import { MIGRATIONS } from './migrations';
import { inTransaction } from './pool';

// Any number of workers and API instances may start at once: one advisory lock serialises them.
const LOCK = 4_210_100;

export async function migrate(pool: Pool): Promise<void> {
  await inTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
    await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await c.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id));
    for (const m of MIGRATIONS) {
      if (done.has(m.id)) continue;
      await c.query(m.sql);
      await c.query('INSERT INTO schema_migrations (id) VALUES ($1)', [m.id]);
    }
    await seedCalendarYears(c);
  });
}
