import { Pool } from 'pg';
import { inTransaction } from './pool';

/**
 * The recognition notice's serial: one city-wide sequence per year, allocated once per base so a
 * retried activity gets the same number back.
 */
export async function allocateNoticeSerial(pool: Pool, baseId: string, year: number): Promise<{ year: number; serial: number }> {
  return inTransaction(pool, async (c) => {
    const existing = () => c.query('SELECT year, serial FROM certification_notices WHERE base_id = $1', [baseId]);
    const had = await existing();
    if (had.rows[0]) return had.rows[0];
    await c.query('SELECT pg_advisory_xact_lock($1, $2)', [4_210_101, year]);
    // Looked for again under the lock: an attempt still running beside its own retry may have
    // allocated it meanwhile, and the retry gets that number rather than a duplicate key.
    const now = await existing();
    if (now.rows[0]) return now.rows[0];
    const { rows } = await c.query(
      `INSERT INTO certification_notices (base_id, year, serial)
       SELECT $1, $2, COALESCE(MAX(serial), 0) + 1 FROM certification_notices WHERE year = $2
       RETURNING year, serial`,
      [baseId, year],
    );
    return rows[0];
  });
}
