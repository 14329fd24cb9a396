// The running service as a process sees it: pools, the app, the listening socket, and the drain
// sequence for SIGTERM. Shared by server.ts (`npm run serve`) and dev.ts (`npm start`).
//
// Drain (the order, which is also what Kubernetes needs from a pod behind a Service):
//   1. readiness turns 503 at once, so the router/endpoints stop sending new requests;
//   2. keep serving for SHUTDOWN_DELAY_MS, since routers notice only after a probe or two
//      (every response now carries Connection: close, moving keep-alive clients elsewhere);
//   3. stop accepting connections; in-flight requests finish, each connection closes after its
//      response, idle keep-alive connections close at once;
//   4. end the database pools; all within SHUTDOWN_TIMEOUT_MS, else connections are cut.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type pg from 'pg';
import { buildApp, type PaymentsApp } from './app.ts';
import type { Config } from './config.ts';
import { createPool } from './db/pool.ts';
import { createLifecycle } from './http/lifecycle.ts';
import { readSchemaState } from './migrate.ts';
import { schemaSupport } from './schema-version.ts';
import type { AppHooks } from './http/services.ts';

export type DrainResult = 'drained' | 'timed_out';

export interface RunningService {
  readonly app: PaymentsApp;
  readonly url: string;
  readonly port: number;
  /** Runs the drain once (later calls return the same promise). */
  drain(): Promise<DrainResult>;
}

export async function startService(
  config: Config,
  logger: Logger,
  options: { signal?: AbortSignal; hooks?: AppHooks } = {},
): Promise<RunningService> {
  const onIdleError = (error: Error): void =>
    logger.warn({ err: error }, 'idle database connection failed; the pool replaces it');
  const pool = createPool({ databaseUrl: config.databaseUrl, max: config.dbPoolMax, onIdleError });
  const healthPool = createPool({
    databaseUrl: config.databaseUrl,
    max: 1,
    connectionTimeoutMs: 1_000,
    statementTimeoutMs: 1_000,
    applicationName: 'payments-health',
    onIdleError,
  });
  const endPools = (): Promise<unknown> => Promise.allSettled([pool.end(), healthPool.end()]);
  try {
    await waitForDatabase(pool, logger, options.signal);
    const schema = await readSchemaState(pool);
    const support = schemaSupport(schema);
    if (!support.supported) {
      // Serve anyway (readiness stays 503 with the reason) unless there are no tables at all.
      if (schema === undefined) throw new Error(`cannot start: ${support.reason}`);
      logger.warn({ reason: support.reason }, 'schema not supported by this build: /readyz will report 503');
    }
    const lifecycle = createLifecycle();
    const app = buildApp({
      config,
      pool,
      healthPool,
      logger,
      lifecycle,
      hooks: options.hooks,
      // Keep-alive above common load balancer idle timeouts (AWS ALB 60 s) so the server is not
      // the side closing a connection a proxy is about to reuse.
      http: { keepAliveTimeoutMs: 65_000, requestTimeoutMs: 30_000, connectionTimeoutMs: 60_000 },
    });
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;

    let draining: Promise<DrainResult> | undefined;
    const drain = (): Promise<DrainResult> => (draining ??= runDrain(app, config, logger, endPools));
    return { app, url: `http://${host}:${port}`, port, drain };
  } catch (error) {
    await endPools();
    throw error;
  }
}

async function runDrain(
  app: PaymentsApp,
  config: Config,
  logger: Logger,
  endPools: () => Promise<unknown>,
): Promise<DrainResult> {
  const started = Date.now();
  app.lifecycle.draining = true;
  logger.info(
    { delay_ms: config.shutdownDelayMs, timeout_ms: config.shutdownTimeoutMs },
    'draining: /readyz is 503; still serving during the shutdown delay',
  );
  await sleep(config.shutdownDelayMs);

  logger.info('draining: no longer accepting connections; finishing in-flight requests');
  const remaining = Math.max(0, config.shutdownTimeoutMs - (Date.now() - started));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    app.close().then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), remaining))),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    logger.error({ timeout_ms: config.shutdownTimeoutMs }, 'drain timed out: closing the remaining connections');
    app.server.closeAllConnections();
  }
  // A pool waits for checked-out connections; after a timeout those may never come back.
  await Promise.race([endPools(), sleep(timedOut ? 500 : 5_000)]);
  logger.info({ duration_ms: Date.now() - started, result: timedOut ? 'timed_out' : 'drained' }, 'drain finished');
  return timedOut ? 'timed_out' : 'drained';
}

/** Start-up waits for the database instead of crash-looping while it starts too. */
async function waitForDatabase(pool: pg.Pool, logger: Logger, signal?: AbortSignal): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await pool.query('SELECT 1');
      return;
    } catch (error) {
      if (signal?.aborted) throw error;
      if (attempt === 1 || attempt % 10 === 0) logger.warn({ err: error, attempt }, 'waiting for the database');
      await sleep(1_000, undefined, { signal }).catch(() => undefined);
      if (signal?.aborted) throw new Error('stopped while waiting for the database');
    }
  }
}
