import { Pool } from 'pg';
import { BaseScope, BaseState, Stage } from '../domain';
import { prepared } from './prepared';

export async function getBaseState(pool: Pool, id: string): Promise<BaseState | undefined> {
  const { rows } = await pool.query(prepared('SELECT state FROM bases WHERE id = $1', [id]));
  return rows[0]?.state;
}

/** What a decision needs of its base before it is sent. */
export interface DecisionTarget {
  id: string;
  stage: Stage;
  scope: BaseScope;
  /** The keyed command has already left an event: it is answered from the read model. */
  known: boolean;
  /** The fingerprint of the body its key was first sent with, if it was sent before. */
  fingerprint?: string;
}

/**
 * A decision's way in, in one round trip: the base's stage and who may act on it (columns, not the
 * state document, which only an answer from the read model needs), and whether a keyed command
 * has already been applied.
 */
export async function getDecisionTarget(pool: Pool, id: string, commandId: string, keyed: boolean): Promise<DecisionTarget | undefined> {
  const { rows } = await pool.query(
    prepared(
      `SELECT id, stage, district, credit_code,
              $3::boolean AND EXISTS (SELECT 1 FROM base_events WHERE base_id = $1 AND command_id = $2) AS known,
              CASE WHEN $3::boolean THEN (SELECT fingerprint FROM request_keys WHERE base_id = $1 AND update_id = $2) END AS fingerprint
       FROM bases WHERE id = $1`,
      [id, commandId, keyed],
    ),
  );
  const r = rows[0];
  return r && { id: r.id, stage: r.stage, scope: { district: r.district, creditCode: r.credit_code }, known: r.known, fingerprint: r.fingerprint ?? undefined };
}

export interface BaseFilter {
  /** Any of these stages. */
  stage?: Stage[];
  district?: string;
  /** Any of these latest ratings. */
  rating?: string[];
  q?: string;
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
  if (f.stage) add('stage = ANY(?)', f.stage);
  if (f.district) add('district = ?', f.district);
  if (f.rating) add('latest_rating = ANY(?)', f.rating);
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

/** Bases whose window is open at `now`: one past its end is not, though its close may not have run yet. */
export async function basesInPublicity(pool: Pool, now: Date): Promise<BaseState[]> {
  const { rows } = await pool.query(
    `SELECT state FROM bases WHERE stage = 'publicity' AND (publicity_ends_at IS NULL OR publicity_ends_at > $1) ORDER BY publicity_ends_at NULLS LAST, id`,
    [now],
  );
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
