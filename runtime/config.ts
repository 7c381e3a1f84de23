import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { POLICY_VERSIONS, DEFAULT_POLICY_VERSION, policyOf } from '../domain';
import { TASK_QUEUE_DEFAULT } from '../workflows/ids';
import type { TokenRules } from '../api/auth';
import { LOG_LEVELS } from './log';

export const DEV_JWT_SECRET = 'dev-only-secret-change-me-0123456789abcdef';

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const file = (what: string) => z.string().refine((p) => existsSync(p), `no such file (the path of ${what})`).optional();

/** host:port, the host a name, an IPv4 address or a bracketed IPv6 address. */
function isHostPort(s: string): boolean {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]/]+):(\d{1,5})$/.exec(s);
  return !!m && Number(m[2]) >= 1 && Number(m[2]) <= 65535;
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
/** One trusted proxy: a name Express knows, an address, or a subnet. */
function isProxy(item: string): boolean {
  if (PROXY_NAMES.includes(item)) return true;
  const [address, prefix, ...rest] = item.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

/**
 * Which peers' X-Forwarded-For the API believes, as Express's `trust proxy` takes it: a count of
 * proxies in front, or addresses and subnets. Behind a load balancer the client's address (the
 * objection limit's, and the objector's name in the trail) is in that header, not the peer's.
 */
const HOPS = /^\d{1,2}$/;
const trustProxy = z
  .string()
  .default('loopback')
  .refine((s) => HOPS.test(s) || s.split(',').every((i) => isProxy(i.trim())), `a count of proxies in front (1), or comma-separated addresses, subnets and ${PROXY_NAMES.join(', ')}`)
  .transform((s): number | string[] => (HOPS.test(s) ? Number(s) : s.split(',').map((i) => i.trim())));

/** Origins as a browser sends them: scheme, host and port, no path. */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;
const publicOrigins = z
  .string()
  .default('')
  .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean))
  .refine((list) => list.every((o) => ORIGIN.test(o)), 'comma-separated origins as a browser sends them, e.g. https://kjj.zhengzhou.gov.cn (scheme, host, port; no path or trailing slash)');

export const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL');
/** The app's database when a URL names none (npm start, npm run cluster). */
export const APP_DB_DEFAULT = 'zz_coop_bases';

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: int(3000, 0).refine((p) => p < 65536, 'a TCP port'),
    HOST: z.string().default('127.0.0.1'),
    DATABASE_URL: postgresUrl.optional(),
    PG_POOL_SIZE: int(10, 1),
    TEMPORAL_ADDRESS: z
      .string()
      .refine(isHostPort, 'host:port without a scheme, e.g. 127.0.0.1:7233, or <namespace>.<account>.tmprl.cloud:7233 for Temporal Cloud')
      .default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default(TASK_QUEUE_DEFAULT),
    TEMPORAL_TLS: z.enum(['true', 'false'], 'true or false').optional(),
    TEMPORAL_TLS_CERT: file('the client certificate, PEM'),
    TEMPORAL_TLS_KEY: file("the client certificate's private key, PEM"),
    TEMPORAL_TLS_CA: file("the CA that signed the server's certificate, PEM"),
    TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
    TEMPORAL_API_KEY: z.string().optional(),
    AUTH_JWT_SECRET: z.string().optional(),
    // Where an identity provider mints the tokens, and mints them for other services with the same secret too.
    AUTH_JWT_ISSUER: z.string().optional(),
    AUTH_JWT_AUDIENCE: z.string().optional(),
    TIME_SCALE: z.coerce.number().min(1, 'at least 1 (1 = real time)').default(1),
    POLICY_VERSION: z.enum(POLICY_VERSIONS as [string, ...string[]]).default(DEFAULT_POLICY_VERSION),
    CONTINUE_AS_NEW_AFTER_EVENTS: z.coerce.number().int().min(20).optional(),
    REQUEST_TIMEOUT_MS: int(10_000, 100),
    OBJECTIONS_PER_MINUTE: int(10, 1),
    TRUST_PROXY: trustProxy,
    // The bureau's website, which shows the publicity list and the objection form from a visitor's browser.
    PUBLIC_ORIGINS: publicOrigins,
    // How often the API finishes decisions whose answer it sent but never wrote (it died, or
    // PostgreSQL went away in between), reading them back from Temporal's history.
    OUTSTANDING_SWEEP_MS: int(30_000, 100),
    // A decision neither in the history nor waiting on a workflow task this long after it was sent
    // was refused or never taken up (no worker ran); its row is dropped.
    OUTSTANDING_GIVE_UP_MS: int(3600_000, 1000),
    // A cached base costs the worker about 0.37 MB (npm run bench -- --scale): 1000 keeps a
    // worker with ten thousand open bases well under 1 GB; the rest replay on their next decision.
    WORKER_MAX_CACHED_WORKFLOWS: int(1000, 0),
    WORKER_MAX_CONCURRENT_TASKS: int(100, 1),
    // Read by the logger itself (which starts before the configuration); named here so a typo stops the start.
    LOG_LEVEL: z.enum(LOG_LEVELS, `one of ${LOG_LEVELS.join(', ')}`).default('info'),
  })
  .superRefine((c, ctx) => {
    if (c.TEMPORAL_TLS_CERT && !c.TEMPORAL_TLS_KEY) {
      ctx.addIssue({ code: 'custom', path: ['TEMPORAL_TLS_KEY'], message: 'missing: TEMPORAL_TLS_CERT is set, and a client certificate needs its private key in TEMPORAL_TLS_KEY' });
    }
    if (c.TEMPORAL_TLS_KEY && !c.TEMPORAL_TLS_CERT) {
      ctx.addIssue({ code: 'custom', path: ['TEMPORAL_TLS_CERT'], message: 'missing: TEMPORAL_TLS_KEY is set, and a private key needs its client certificate in TEMPORAL_TLS_CERT' });
    }
    if (c.TEMPORAL_TLS === 'false' && (c.TEMPORAL_TLS_CERT || c.TEMPORAL_TLS_CA || c.TEMPORAL_API_KEY)) {
      ctx.addIssue({ code: 'custom', path: ['TEMPORAL_TLS'], message: 'false, yet TEMPORAL_TLS_CERT, TEMPORAL_TLS_CA or TEMPORAL_API_KEY asks for TLS' });
    }
    if (c.NODE_ENV === 'production' && (!c.AUTH_JWT_SECRET || c.AUTH_JWT_SECRET === DEV_JWT_SECRET || c.AUTH_JWT_SECRET.length < 32)) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_JWT_SECRET'], message: 'production needs a real secret of at least 32 characters' });
    }
    // A base keeps the clock and the rules it ran under for life: a test setting in production would
    // close real windows early, or judge real cases by rules nobody issued.
    if (c.NODE_ENV === 'production' && c.TIME_SCALE > 1) {
      ctx.addIssue({ code: 'custom', path: ['TIME_SCALE'], message: 'production runs in real time: 1 (faster clocks are for trying and testing)' });
    }
    if (c.NODE_ENV === 'production' && !policyOf(c.POLICY_VERSION).published) {
      ctx.addIssue({ code: 'custom', path: ['POLICY_VERSION'], message: `${c.POLICY_VERSION} is an illustration, not a published issue of the measures; production takes ${POLICY_VERSIONS.filter((v) => policyOf(v).published).join(', ')}` });
    }
  });

export type Config = z.infer<typeof schema> & { jwtSecret: string; tokens: TokenRules };

/**
 * How long an API takes at most to answer what is in flight once told to stop: its Temporal call
 * and its write each have the request's deadline. A supervisor waits this long and a few seconds
 * more before it kills one.
 */
export const apiDrainMs = (requestTimeoutMs: number): number => 2 * requestTimeoutMs + 1000;
export const apiStopGraceMs = (requestTimeoutMs: number): number => apiDrainMs(requestTimeoutMs) + 4000;

/** Every variable a worker or an API reads. */
export const CONFIG_VARIABLES = Object.keys(schema.shape);

export class ConfigError extends Error {}

/** Parses the environment (an empty variable counts as unset), or throws one error naming every problem. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv, title: string): z.infer<S> {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`${title}:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Reads the environment once, refusing to start on anything missing or malformed, naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const c = parseEnv(schema, env, 'invalid configuration');
  const jwtSecret = c.AUTH_JWT_SECRET ?? DEV_JWT_SECRET;
  return { ...c, jwtSecret, tokens: { secret: jwtSecret, issuer: c.AUTH_JWT_ISSUER, audience: c.AUTH_JWT_AUDIENCE } };
}

export function requireDatabaseUrl(c: Config): string {
  if (!c.DATABASE_URL) throw new ConfigError('invalid configuration:\n  DATABASE_URL: required (npm start sets it for embedded PostgreSQL)');
  return c.DATABASE_URL;
}
