import path from 'node:path';
import { z } from 'zod';
import { parseEnv, postgresUrl } from '../../runtime/config';

const MAX_FRONTEND_PORT = 32767 + 294;

const count = (def: number, max: number) => z.coerce.number().int().min(1).max(max).default(def);
const port = (def: number) => z.coerce.number().int().min(1).max(65535).default(def);

// Only what shapes the topology; every other variable (TIME_SCALE, AUTH_JWT_SECRET, NODE_ENV …)
// passes through to the workers and API instances, which validate it themselves.
const schema = z
  .object({
    DATABASE_URL: postgresUrl.optional(),
    EMBEDDED_PG_PORT: port(5489),
    // Membership ports sit 300 below the frontend's, and Temporal's SQL schema stores them as smallint.
    TEMPORAL_PORT: z.coerce.number().int().min(1324, 'at least 1324: membership ports sit 300 below it').max(MAX_FRONTEND_PORT, `at most ${MAX_FRONTEND_PORT}: membership ports (300 below it) must fit Temporal's smallint column`).default(7233),
    TEMPORAL_NAMESPACE: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/, 'letters, digits, . _ -').default('zz-coop-bases'),
    TEMPORAL_RETENTION_DAYS: z.coerce.number().int().min(1, 'Temporal keeps closed runs for at least a day').default(30),
    TEMPORAL_DB_NAME: z.string().regex(/^[a-z_][a-z0-9_]{0,40}$/, 'a lowercase SQL identifier').default('temporal'),
    CLUSTER_DATA_DIR: z.string().min(1).optional(),
    CLUSTER_WORKERS: count(2, 32),
    CLUSTER_APIS: count(2, 32),
    PORT: port(3000),
  })
  .superRefine((c, ctx) => {
    const app = c.DATABASE_URL && databaseOf(c.DATABASE_URL);
    if (app && [c.TEMPORAL_DB_NAME, `${c.TEMPORAL_DB_NAME}_visibility`].includes(app)) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: `names ${app}, which is Temporal's own database (TEMPORAL_DB_NAME); give the app its own` });
    }
    if (c.PORT + c.CLUSTER_APIS - 1 > 65535) ctx.addIssue({ code: 'custom', path: ['PORT'], message: `${c.CLUSTER_APIS} API instances from ${c.PORT} run past 65535` });
  });

export interface ClusterOptions {
  /** The app's own database; Temporal's databases live on the same server. Unset: embedded PostgreSQL. */
  databaseUrl?: string;
  embeddedPgPort: number;
  temporalPort: number;
  namespace: string;
  retentionDays: number;
  temporalDb: string;
  dataDir: string;
  workers: number;
  apiPorts: number[];
}

/** The database a postgres:// URL names, or none when it names the server only. */
export function databaseOf(url: string): string | undefined {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  return name || undefined;
}

export function clusterOptions(env: NodeJS.ProcessEnv, repoRoot: string): ClusterOptions {
  const c = parseEnv(schema, env, 'invalid cluster configuration');
  return {
    databaseUrl: c.DATABASE_URL,
    embeddedPgPort: c.EMBEDDED_PG_PORT,
    temporalPort: c.TEMPORAL_PORT,
    namespace: c.TEMPORAL_NAMESPACE,
    retentionDays: c.TEMPORAL_RETENTION_DAYS,
    temporalDb: c.TEMPORAL_DB_NAME,
    dataDir: path.resolve(repoRoot, c.CLUSTER_DATA_DIR ?? path.join('data', 'cluster')),
    workers: c.CLUSTER_WORKERS,
    apiPorts: Array.from({ length: c.CLUSTER_APIS }, (_, i) => c.PORT + i),
  };
}
