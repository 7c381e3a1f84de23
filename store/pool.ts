import { Pool, PoolClient } from 'pg';

/** How long the server lets a transaction of ours sit idle before it ends it and frees its locks. */
export const IDLE_IN_TRANSACTION_MS = 60_000;

export function createPool(connectionString: string, max = 10, queryTimeoutMs = 15_000, idleInTransactionMs = IDLE_IN_TRANSACTION_MS): Pool {
  // statement_timeout bounds the server's work; query_timeout bounds the wait on a network that
  // has gone silent (no reset ever comes), so a caller hears 503 instead of hanging.
  // A transaction whose client went silent (its network dropped, its ROLLBACK never arrived) would
  // hold its locks (a year's notice serial, a request's key) until the server's TCP gave up, hours
  // later: the server ends it after a minute idle instead. Keepalives let this side notice a dead
  // server on an idle connection.
  const pool = new Pool({
    connectionString,
    max,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 15_000,
    query_timeout: queryTimeoutMs,
    idle_in_transaction_session_timeout: idleInTransactionMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: 30_000,
  });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  // Nor a checked-out one (pg-pool listens only while a client is idle): its query fails on its
  // own, and the broken client is dropped when released.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

export async function inTransaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    failed = err as Error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    // A connection that failed may be dead or mid-answer: dropped, not pooled again.
    client.release(failed);
  }
}
