import pino, { type Logger } from 'pino';
import { DefaultLogger, type LogLevel, type LogMetadata } from '@temporalio/worker';
import { LOG_REDACT_PATHS } from './config';

export type LogFormat = 'json' | 'pretty';

/** Diagnostics go to stderr so stdout stays free for results (workflow ids, JSON reports). */
export function createLogger(options: { level?: string; format?: LogFormat } = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const redact = { paths: LOG_REDACT_PATHS, censor: '***' };
  if (options.format === 'pretty') {
    return pino({
      level,
      redact,
      transport: { target: 'pino-pretty', options: { destination: 2, colorize: false } },
    });
  }
  return pino({ level, redact }, pino.destination(2));
}

/** The Temporal runtime's logger, forwarding to pino with the metadata as fields (pino takes them first). */
export function temporalLogger(logger: Logger, level: LogLevel = 'INFO'): DefaultLogger {
  return new DefaultLogger(level, (entry) => {
    const method = entry.level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
    logger[method]((entry.meta ?? {}) as LogMetadata, entry.message);
  });
}
