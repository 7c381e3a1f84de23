import { Pool } from 'pg';
import { Config } from '../runtime/config';
import { Logger } from '../runtime/log';
import { TemporalGateway } from './temporal-gateway';

export interface ApiDeps {
  config: Config;
  pool: Pool;
  gateway: TemporalGateway;
  log: Logger;
  /** The clock, injectable so tests can pin a day. */
  now: () => number;
}
