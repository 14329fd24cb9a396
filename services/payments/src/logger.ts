// The service's pino logger: JSON lines, ISO time, Authorization never written (redacted
// wherever a headers object is logged). Request bodies are never logged at all.
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.ts';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'request.headers.authorization',
  'headers.authorization',
  'authorization',
  '*.headers.authorization',
  'req.headers.cookie',
];

export function createLogger(options: { level: LogLevel; version: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'payments', version: options.version, pid: process.pid },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    // Asynchronous writes keep logging off the request path; flushed before exit (server.ts).
    options.destination ?? pino.destination({ sync: false }),
  );
}
