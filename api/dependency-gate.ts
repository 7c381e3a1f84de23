import { Pool } from 'pg';
import { unavailable } from './problem';
import { TemporalGateway } from './temporal-gateway';

const FRESH_MS = 1000;
// Its own short deadline (pg honours query_timeout per query too): the gate answers within seconds.
const PING = { text: 'SELECT 1', query_timeout: 2000 };

/**
 * Before a change is sent, both dependencies must have answered within the last second: with
 * one of them down the caller hears 503 at once and nothing is half-done.
 */
export class DependencyGate {
  private okAt = { postgres: 0, temporal: 0 };

  constructor(
    private readonly pool: Pool,
    private readonly gateway: TemporalGateway,
  ) {}

  async check(): Promise<{ postgres: boolean; temporal: boolean }> {
    const [pg, t] = await Promise.allSettled([this.pingPostgres(), this.gateway.ping()]);
    const now = Date.now();
    if (pg.status === 'fulfilled') this.okAt.postgres = now;
    if (t.status === 'fulfilled') this.okAt.temporal = now;
    return { postgres: pg.status === 'fulfilled', temporal: t.status === 'fulfilled' };
  }

  async require(): Promise<void> {
    const now = Date.now();
    if (now - this.okAt.postgres < FRESH_MS && now - this.okAt.temporal < FRESH_MS) return;
    const r = await this.check();
    if (!r.postgres) throw unavailable('PostgreSQL');
    if (!r.temporal) throw unavailable('Temporal');
  }

  private async pingPostgres(): Promise<void> {
    const c = await this.pool.connect();
    let failed: Error | undefined;
    try {
      await c.query(PING);
    } catch (err) {
      failed = err as Error;
      throw err;
    } finally {
      c.release(failed);
    }
  }
}
