import { Pool } from 'pg';
import { unavailable } from './problem';
import { TemporalGateway } from './temporal-gateway';

const FRESH_MS = 1000;
// Its own short deadline (pg honours query_timeout per query too): the gate answers within seconds.
const PING = { text: 'SELECT 1', query_timeout: 2000 };

export interface Health {
  postgres: boolean;
  temporal: boolean;
}

/**
 * Before a change is sent, both dependencies must have answered within the last second: with
 * one of them down the caller hears 503 at once and nothing is half-done. A change that went
 * through is that answer for the next second, so under steady traffic no caller waits for a ping;
 * when one is due, callers arriving meanwhile share it instead of each sending their own.
 */
export class DependencyGate {
  private okAt: Record<keyof Health, number> = { postgres: 0, temporal: 0 };
  private probing: Promise<Health> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly gateway: TemporalGateway,
  ) {}

  check(): Promise<Health> {
    this.probing ??= this.probe().finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  async require(): Promise<void> {
    const now = Date.now();
    if (now - this.okAt.postgres < FRESH_MS && now - this.okAt.temporal < FRESH_MS) return;
    const r = await this.check();
    if (!r.postgres) throw unavailable('PostgreSQL');
    if (!r.temporal) throw unavailable('Temporal');
  }

  /** Sends a change once both dependencies are known to be up; its success shows they still are. */
  async send<T>(change: () => Promise<T>): Promise<T> {
    await this.require();
    const result = await change();
    const now = Date.now();
    this.okAt = { postgres: now, temporal: now };
    return result;
  }

  private async probe(): Promise<Health> {
    const [pg, t] = await Promise.allSettled([this.pingPostgres(), this.gateway.ping()]);
    const now = Date.now();
    if (pg.status === 'fulfilled') this.okAt.postgres = now;
    if (t.status === 'fulfilled') this.okAt.temporal = now;
    return { postgres: pg.status === 'fulfilled', temporal: t.status === 'fulfilled' };
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
