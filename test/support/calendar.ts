import { Pool } from 'pg';
import { shanghaiDate, yearOf } from '../../domain';
import { migrate } from '../../store/migrate';

/**
 * The suites run on today's date, and a window that reaches a year with no schedule loaded waits,
 * as the rules want. The chinese-days package carries the State Council's schedules only up to the
 * last it published: from late December on, every publicity window would wait for next year and
 * every suite that sees a base certified would time out, with nothing in the code changed. So a
 * test database gets a stand-in for this year and next where the package has none: weekends only,
 * marked as such in `source`. The product never does this; an admin loads the real schedule.
 */
const STAND_IN_SOURCE = 'test stand-in: weekends only (chinese-days has no schedule for this year)';

export async function standInForMissingYears(databaseUrl: string): Promise<void> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    await migrate(pool); // the table and the package's years, before any worker or API starts
    const year = yearOf(shanghaiDate(Date.now()));
    for (const y of [year, year + 1]) {
      await pool.query(`INSERT INTO calendar_years (year, holidays, workdays, source) VALUES ($1, '[]', '[]', $2) ON CONFLICT (year) DO NOTHING`, [y, STAND_IN_SOURCE]);
    }
  } finally {
    await pool.end();
  }
}
