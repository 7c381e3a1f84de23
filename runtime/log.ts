/** One JSON object per line: what operators grep and log shippers parse. */
export type Logger = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export function jsonLogger(component: string, out: NodeJS.WritableStream = process.stdout): Logger {
  const quiet = process.env.LOG_LEVEL === 'warn' || process.env.LOG_LEVEL === 'error';
  return (level, msg, fields) => {
    if (quiet && (level === 'info' || level === 'debug')) return;
    if (level === 'debug' && process.env.LOG_LEVEL !== 'debug') return;
    out.write(JSON.stringify({ time: new Date().toISOString(), level, component, msg, ...fields }) + '\n');
  };
}
