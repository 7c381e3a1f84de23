/** One JSON object per line: what operators grep and log shippers parse. */
export type Logger = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

const RANK = { debug: 0, info: 1, warn: 2, error: 3 } as const;
export const LOG_LEVELS = Object.keys(RANK) as (keyof typeof RANK)[];

/** An Error shows its name, message and stack instead of `{}`; a bigint its digits instead of a throw. */
function readable(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return typeof value === 'bigint' ? String(value) : value;
}

/** `LOG_LEVEL` (debug, info, warn, error; default info) is the least severe level written. */
export function jsonLogger(component: string, out: NodeJS.WritableStream = process.stdout): Logger {
  const least = RANK[process.env.LOG_LEVEL as keyof typeof RANK] ?? RANK.info;
  return (level, msg, fields) => {
    if (RANK[level] < least) return;
    const entry = { time: new Date().toISOString(), level, component, msg, ...fields };
    let line: string;
    try {
      line = JSON.stringify(entry, readable);
    } catch (err) {
      line = JSON.stringify({ time: entry.time, level, component, msg, unserializable: String(err) });
    }
    out.write(line + '\n');
  };
}
