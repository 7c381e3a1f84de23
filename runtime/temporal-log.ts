import { LogLevel, LogMetadata, LogTimestamp, Logger as SdkLogger } from '@temporalio/worker';
import { Logger } from './log';

const LEVELS: Record<LogLevel, Parameters<Logger>[0]> = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/**
 * The SDK's messages (the worker's lifecycle, `workflow.log` such as a refused signal, a failed
 * workflow task, Core's warnings) as the same one-line JSON as the project's own, at the time the
 * SDK stamped them: its default prints an object over many lines, which log shippers split apart.
 */
export function temporalLogger(log: Logger): SdkLogger {
  const write = (level: LogLevel, message: string, meta: LogMetadata = {}) => {
    const stamped = meta[LogTimestamp];
    const time = typeof stamped === 'bigint' ? { time: new Date(Number(stamped / 1_000_000n)).toISOString() } : {};
    log(LEVELS[level], message, { ...meta, ...time });
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}
