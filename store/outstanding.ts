import { Pool, PoolClient } from 'pg';
import { Stage } from '../domain';
import { commandIdOfUpdate } from '../workflows/ids';
import { inTransaction } from './pool';
import { prepared } from './prepared';

export interface Outstanding {
  baseId: string;
  updateId: string;
  sentAt: Date;
  /** `sent_at` to the microsecond (a Date keeps milliseconds): another send joining the row moves it. */
  sentMark: string;
  /** How long ago it was sent, by the database's clock, which also set `sent_at`: an API host's clock may be off. */
  ageMs: number;
}

/**
 * A timestamp as whole microseconds since the epoch, compared as an integer: exact (`extract`
 * gives numeric), and unlike its text form the same under every DateStyle and TimeZone.
 */
const micros = (column: string) => `(extract(epoch FROM ${column}) * 1000000)::bigint`;

/**
 * Before a decision is sent: until its answer is written, an answer may be owed. A keyed request
 * also leaves its body's fingerprint, or finds the one its key was first sent with; it returns
 * that one, and writes no outstanding row when it differs (the request will be refused), with
 * the stage its base is in, if it has one (a keyed submission resent may find its base closed).
 * The key is given back if the workflow refuses the request (`dropRefused`).
 */
export async function recordOutstanding(pool: Pool, baseId: string, updateId: string, fingerprint?: string): Promise<Recorded> {
  if (fingerprint === undefined) {
    await pool.query(prepared('INSERT INTO outstanding_decisions (base_id, update_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [baseId, updateId]));
    return {};
  }
  // DO UPDATE, not DO NOTHING: it waits for a concurrent first send of the key and returns its row.
  const { rows } = await pool.query(
    prepared(
      `WITH k AS (INSERT INTO request_keys (base_id, update_id, fingerprint) VALUES ($1, $2, $3)
                  ON CONFLICT (base_id, update_id) DO UPDATE SET fingerprint = request_keys.fingerprint RETURNING fingerprint, first_at),
            o AS (INSERT INTO outstanding_decisions (base_id, update_id) SELECT $1, $2 FROM k WHERE k.fingerprint = $3
                  ON CONFLICT (base_id, update_id) DO UPDATE SET senders = outstanding_decisions.senders + 1, sent_at = now(), checked_at = NULL)
       SELECT fingerprint, ${micros('first_at')}::text AS key_mark, (SELECT stage FROM bases WHERE id = $1) AS stage FROM k`,
      [baseId, updateId, fingerprint],
    ),
  );
  return { fingerprint: rows[0].fingerprint, keyMark: rows[0].key_mark, stage: rows[0].stage ?? undefined };
}

export interface Recorded {
  fingerprint?: string;
  /** Which making of the key this send counted into (it is given back and made again over time). */
  keyMark?: string;
  stage?: Stage;
}

/**
 * The workflow refused it: a rejected request changes nothing, so a keyed one also gives its key
 * back (unless a decision under that key is already in the log), and a corrected body may use it.
 * Not while another send of the same request is in flight: the workflow may have taken that one
 * (the base moved on in between), and its row is what lets the sweep write it if its API dies.
 */
export async function dropRefused(pool: Pool, baseId: string, updateId: string, keyMark?: string): Promise<void> {
  if (keyMark === undefined) return dropOutstanding(pool, baseId, updateId);
  await inTransaction(pool, async (c) => {
    // Not the key this send counted into: that one was given back with its row (by another refusal,
    // or the sweep), and a row there now is a later send's.
    if (!(await lockKey(c, baseId, updateId, keyMark))) return;
    const { rows } = await c.query('SELECT senders FROM outstanding_decisions WHERE base_id = $1 AND update_id = $2 FOR UPDATE', [baseId, updateId]);
    if (rows[0]?.senders > 1) {
      await c.query('UPDATE outstanding_decisions SET senders = senders - 1 WHERE base_id = $1 AND update_id = $2', [baseId, updateId]);
      return;
    }
    await c.query('DELETE FROM outstanding_decisions WHERE base_id = $1 AND update_id = $2', [baseId, updateId]);
    await freeKey(c, baseId, updateId);
  });
}

/**
 * The sweep found nothing the workflow took (it refused the request, or never saw it and has
 * nothing pending): the row goes, and its key with it (a corrected body may use it), unless a
 * send joined it since it was claimed (its `sentAt` mark moved) or a decision under the key is in
 * the log.
 */
export async function abandonOutstanding(pool: Pool, o: Outstanding): Promise<boolean> {
  return inTransaction(pool, async (c) => {
    // An unkeyed row has no key to lock; its update id is its request's own, so no other send joins it.
    await lockKey(c, o.baseId, o.updateId);
    const gone = await c.query(`DELETE FROM outstanding_decisions WHERE base_id = $1 AND update_id = $2 AND ${micros('sent_at')} = $3::bigint`, [o.baseId, o.updateId, o.sentMark]);
    if (gone.rowCount) await freeKey(c, o.baseId, o.updateId);
    return gone.rowCount === 1;
  });
}

/**
 * Taken before the outstanding row, in the order `recordOutstanding` takes them, so the two never
 * deadlock. Whether that key (that making of it, if `keyMark` is given) is there: a key and its row
 * are made and given back together, so without it, a row that appears later in the transaction is
 * a send recorded since, not to be touched.
 */
async function lockKey(c: PoolClient, baseId: string, updateId: string, keyMark?: string): Promise<boolean> {
  const { rowCount } = await c.query(
    `SELECT 1 FROM request_keys WHERE base_id = $1 AND update_id = $2 AND ($3::bigint IS NULL OR ${micros('first_at')} = $3::bigint) FOR UPDATE`,
    [baseId, updateId, keyMark ?? null],
  );
  return rowCount === 1;
}

/** Unless a decision under the key is in the log. */
async function freeKey(c: PoolClient, baseId: string, updateId: string): Promise<void> {
  await c.query(
    `DELETE FROM request_keys WHERE base_id = $1 AND update_id = $2
       AND NOT EXISTS (SELECT 1 FROM base_events WHERE base_id = $1 AND command_id = $3)`,
    [baseId, updateId, commandIdOfUpdate(updateId)],
  );
}

/** It had nothing left to write (or, unkeyed, the workflow refused it). */
export async function dropOutstanding(pool: Pool, baseId: string, updateId: string): Promise<void> {
  await pool.query(prepared('DELETE FROM outstanding_decisions WHERE base_id = $1 AND update_id = $2', [baseId, updateId]));
}

/**
 * Takes rows sent more than `staleMs` ago and not looked at for `recheckMs`, marking them looked
 * at, so that several API processes sweeping at once share the rows instead of repeating them.
 */
export async function claimStale(pool: Pool, staleMs: number, recheckMs: number, limit = 50): Promise<Outstanding[]> {
  const { rows } = await pool.query(
    `UPDATE outstanding_decisions o SET checked_at = now()
     FROM (SELECT base_id, update_id FROM outstanding_decisions
           WHERE sent_at < now() - make_interval(secs => $1::double precision / 1000)
             AND (checked_at IS NULL OR checked_at < now() - make_interval(secs => $2::double precision / 1000))
           ORDER BY sent_at LIMIT $3 FOR UPDATE SKIP LOCKED) s
     WHERE o.base_id = s.base_id AND o.update_id = s.update_id
     RETURNING ${AS_OUTSTANDING('o')}`,
    [staleMs, recheckMs, limit],
  );
  return rows.map(toOutstanding);
}

/** One row as the sweep would take it up, without taking it up. */
export async function readOutstanding(pool: Pool, baseId: string, updateId: string): Promise<Outstanding | undefined> {
  const { rows } = await pool.query(`SELECT ${AS_OUTSTANDING('o')} FROM outstanding_decisions o WHERE base_id = $1 AND update_id = $2`, [baseId, updateId]);
  return rows.map(toOutstanding)[0];
}

const AS_OUTSTANDING = (t: string) =>
  `${t}.base_id, ${t}.update_id, ${t}.sent_at, ${micros(`${t}.sent_at`)}::text AS sent_mark, (extract(epoch FROM now() - ${t}.sent_at) * 1000)::float8 AS age_ms`;
const toOutstanding = (r: { base_id: string; update_id: string; sent_at: Date; sent_mark: string; age_ms: number }): Outstanding => ({
  baseId: r.base_id, updateId: r.update_id, sentAt: r.sent_at, sentMark: r.sent_mark, ageMs: Number(r.age_ms),
});

export async function countOutstanding(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM outstanding_decisions');
  return Number(rows[0].n);
}
