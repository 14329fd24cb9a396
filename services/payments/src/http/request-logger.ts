// Fastify gives every request a pino child logger (to bind its request id) before anything is
// logged. At the usual levels most requests write one access line or none, and creating the
// child (bindings serialised, redaction compiled in) was ~5% of a payment's CPU in profiles
// (services/payments/bench/README.md). This logger creates the child on the first call that would
// actually write, so a line that is filtered out by the level costs a comparison.
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type LogArgs = Parameters<FastifyBaseLogger['info']>;

export class LazyRequestLogger {
  readonly #parent: Logger;
  readonly #bindings: Record<string, unknown>;
  readonly #options: object;
  #child: Logger | undefined;

  constructor(parent: Logger, bindings: Record<string, unknown>, options: object) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  get level(): string {
    return (this.#child ?? this.#parent).level;
  }

  set level(level: string) {
    this.#real().level = level;
  }

  isLevelEnabled(level: string): boolean {
    return (this.#child ?? this.#parent).isLevelEnabled(level);
  }

  fatal(...args: LogArgs): void {
    this.#write('fatal', args);
  }

  error(...args: LogArgs): void {
    this.#write('error', args);
  }

  warn(...args: LogArgs): void {
    this.#write('warn', args);
  }

  info(...args: LogArgs): void {
    this.#write('info', args);
  }

  debug(...args: LogArgs): void {
    this.#write('debug', args);
  }

  trace(...args: LogArgs): void {
    this.#write('trace', args);
  }

  silent(): void {}

  child(bindings: Record<string, unknown>, options?: object): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }

  #write(level: Level, args: LogArgs): void {
    if (this.isLevelEnabled(level)) this.#real()[level](...args);
  }

  #real(): Logger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options);
    return this.#child;
  }
}

/** Fastify's `childLoggerFactory` option: lazy for a pino logger, the default otherwise (no logger: Fastify's null logger). */
export const lazyChildLogger: NonNullable<FastifyServerOptions['childLoggerFactory']> = (logger, bindings, options) =>
  typeof (logger as Partial<Logger>).isLevelEnabled === 'function'
    ? (new LazyRequestLogger(
        logger as unknown as Logger,
        bindings as Record<string, unknown>,
        options,
      ) as unknown as FastifyBaseLogger)
    : logger.child(bindings, options);
