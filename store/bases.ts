import { Pool } from 'pg';
import { BaseState, Stage } from '../domain';

export async function getBaseState(pool: Pool, id: string): Promise<BaseState | undefined> {
  const { rows } = await pool.query('SELECT state FROM bases WHERE id = $1', [id]);
  return rows[0]?.state;
}

/** The base, and whether a command has already left an event on it: a keyed request costs one round trip. */
export async function getBaseKnowing(pool: Pool, id: string, commandId: string): Promise<{ state: BaseState; known: boolean } | undefined> {
  const { rows } = await pool.query(
    'SELECT state, EXISTS (SELECT 1 FROM base_events WHERE base_id = $1 AND command_id = $2) AS known FROM bases WHERE id = $1',
    [id, commandId],
  );
  return rows[0];
}

export interface BaseFilter {
  stage?: Stage;
  district?: string;
  rating?: string;
  q?: string;
  creditCode?: string;
  sort: 'updatedAt' | 'submittedAt' | 'name';
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

const SORT_COLUMNS = { updatedAt: 'updated_at', submittedAt: 'submitted_at', name: 'applicant_name' } as const;

export async function listBases(pool: Pool, f: BaseFilter): Promise<{ total: number; states: BaseState[] }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => where.push(sql.replace('?', `$${params.push(v)}`));
  if (f.stage) add('stage = ?', f.stage);
  if (f.district) add('district = ?', f.district);
  if (f.rating) add('latest_rating = ?', f.rating);
  if (f.creditCode) add('credit_code = ?', f.creditCode);
  if (f.q) add(`applicant_name ILIKE ? ESCAPE '\\'`, `%${f.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const order = `${SORT_COLUMNS[f.sort]} ${f.order === 'asc' ? 'ASC' : 'DESC'}, id`;
  const offset = (f.page - 1) * f.pageSize;
  const { rows } = await pool.query(
    `SELECT state, count(*) OVER () AS total FROM bases ${clause} ORDER BY ${order} LIMIT ${f.pageSize} OFFSET ${offset}`,
    params,
  );
  if (rows.length === 0 && offset > 0) {
    const c = await pool.query(`SELECT count(*)::int AS n FROM bases ${clause}`, params);
    return { total: c.rows[0].n, states: [] };
  }
  return { total: Number(rows[0]?.total ?? 0), states: rows.map((r) => r.state) };
}

export async function basesInPublicity(pool: Pool): Promise<BaseState[]> {
  const { rows } = await pool.query(`SELECT state FROM bases WHERE stage = 'publicity' ORDER BY publicity_ends_at NULLS LAST, id`);
  return rows.map((r) => r.state);
}

/** Bases whose publicity waits for a year's holiday schedule. */
export async function basesAwaitingCalendar(pool: Pool, year: number): Promise<string[]> {
  const { rows } = await pool.query(
    `SELECT id FROM bases WHERE stage = 'publicity' AND (state #>> '{publicity,awaitingCalendarYear}')::int = $1`,
    [year],
  );
  return rows.map((r) => r.id);
}
