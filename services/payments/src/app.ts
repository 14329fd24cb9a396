// buildApp: the payments API as a Fastify instance, composed from plugins, not listening.
// The process shell (server.ts) owns the pools, the logger and the listening socket.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { Config } from './config.ts';
import { createAuthenticator } from './http/auth.ts';
import { handleClientError } from './http/client-error.ts';
import { installErrorHandling } from './http/error-handler.ts';
import { acceptJsonOnly } from './http/json-body.ts';
import { installLingeringClose } from './http/lingering-close.ts';
import { createFaultInjector } from './http/faults.ts';
import { createLifecycle, type Lifecycle } from './http/lifecycle.ts';
import { createMetrics, recordRequest, type Metrics } from './http/metrics.ts';
import type { ApiServices, AppHooks } from './http/services.ts';
import { GroupCommit, groupCommitConcurrency } from './idempotency/group-commit.ts';
import { lazyChildLogger } from './http/request-logger.ts';
import { startKeySweeper } from './idempotency/sweeper.ts';
import { opsRoutes } from './routes/ops.ts';
import { v1Api } from './routes/v1.ts';
import { registerApiKeys } from './store/merchants.ts';
import { loadFingerprintKey } from './store/secrets.ts';
import { newId } from './domain/ids.ts';

export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface AppDeps {
  readonly config: Pick<
    Config,
    | 'apiKeys'
    | 'appVersion'
    | 'gitCommit'
    | 'faultErrorRate'
    | 'faultLatencyMs'
    | 'faultConcurrencyLimit'
    | 'faultConcurrencyLatencyMs'
  >;
  /** The API's pool (owned by the caller, who ends it after app.close()). */
  readonly pool: pg.Pool;
  /** Readiness checks' pool; defaults to `pool`. */
  readonly healthPool?: pg.Pool;
  /** A pino logger; none when omitted. */
  readonly logger?: FastifyBaseLogger;
  /** Shared with the shell, which sets `draining` on SIGTERM. */
  readonly lifecycle?: Lifecycle;
  readonly clock?: () => Date;
  /** For FAULT_ERROR_RATE decisions. */
  readonly random?: () => number;
  /** HTTP server timeouts (server.ts sets them; tests keep Node's defaults). */
  readonly http?: {
    readonly keepAliveTimeoutMs?: number;
    readonly requestTimeoutMs?: number;
    readonly connectionTimeoutMs?: number;
  };
  readonly hooks?: AppHooks;
  readonly keySweepIntervalMs?: number;
}

export interface PaymentsApp extends FastifyInstance {
  readonly metrics: Metrics;
  readonly lifecycle: Lifecycle;
}

export function buildApp(deps: AppDeps): PaymentsApp {
  const lifecycle = deps.lifecycle ?? createLifecycle();
  // Annotated, not cast: the instance widens to FastifyInstance (dropping its PromiseLike side);
  // the decorate calls below are what make it a PaymentsApp.
  const app: FastifyInstance = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    // One access line per request, written in onResponse below.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    childLoggerFactory: lazyChildLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: 'x-request-id',
    genReqId: () => newId('req'),
    // While draining, requests on open keep-alive connections are served (with Connection:
    // close), not refused with Fastify's bare 503: the router stops sending them, we finish them.
    return503OnClosing: false,
    // Requests the HTTP parser rejects get the API's error envelope too.
    clientErrorHandler: handleClientError,
    forceCloseConnections: 'idle',
    keepAliveTimeout: deps.http?.keepAliveTimeoutMs ?? 5_000,
    requestTimeout: deps.http?.requestTimeoutMs ?? 0,
    connectionTimeout: deps.http?.connectionTimeoutMs ?? 0,
    // Strict JSON: no type coercion and unknown fields are errors, not silently dropped.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
  });

  const metrics = createMetrics(deps.pool, { version: deps.config.appVersion, commit: deps.config.gitCommit });
  const services: ApiServices & { secrets: { fingerprintKey?: Buffer } } = {
    pool: deps.pool,
    creates: new GroupCommit(deps.pool, {
      maxConcurrent: groupCommitConcurrency(deps.pool.options.max ?? 10),
      onBatch: (size) => metrics.createBatchSize.observe(size),
    }),
    clock: deps.clock ?? (() => new Date()),
    metrics,
    authenticate: createAuthenticator(deps.pool),
    faults: createFaultInjector({
      errorRate: deps.config.faultErrorRate,
      latencyMs: deps.config.faultLatencyMs,
      ...(deps.config.faultConcurrencyLimit !== undefined
        ? { concurrencyLimit: deps.config.faultConcurrencyLimit }
        : {}),
      ...(deps.config.faultConcurrencyLatencyMs !== undefined
        ? { concurrencyLatencyMs: deps.config.faultConcurrencyLatencyMs }
        : {}),
      random: deps.random,
    }),
    hooks: deps.hooks ?? {},
    secrets: {},
  };

  // An early answer (413, 401) with the body still coming reaches the client: nginx's lingering close.
  installLingeringClose(app.server);
  app.decorate('metrics', metrics);
  app.decorate('lifecycle', lifecycle);
  installErrorHandling(app);
  acceptJsonOnly(app);
  // One hook per response, on the root instance: metrics, then the access line.
  app.addHook('onResponse', async (request, reply) => {
    const route = request.is404 ? 'unmatched' : request.routeOptions.url;
    recordRequest(metrics, request.method, route ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    const line = {
      method: request.method,
      route,
      status_code: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    // Probes and scrapes every few seconds would drown the API's access log: debug level.
    if (route?.startsWith('/v1') || reply.statusCode >= 500) request.log.info(line, 'request completed');
    else request.log.debug(line, 'request completed');
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('request-id', _request.id);
    // Draining: each response tells its client to reconnect, which lands on another instance.
    if (lifecycle.draining) reply.header('connection', 'close');
  });

  // Start-up work that needs the database: upsert PAYMENTS_API_KEYS, load the HMAC secret.
  const sweeper: { stop?: () => void } = {};
  app.addHook('onReady', async () => {
    await registerApiKeys(deps.pool, deps.config.apiKeys);
    services.secrets.fingerprintKey = await loadFingerprintKey(deps.pool);
    sweeper.stop = startKeySweeper({
      pool: deps.pool,
      intervalMs: deps.keySweepIntervalMs,
      onSwept: (count) => count > 0 && app.log.info({ count }, 'expired idempotency keys removed'),
      onError: (error) => app.log.warn({ err: error }, 'idempotency key sweep failed; will retry'),
    }).stop;
  });
  app.addHook('onClose', async () => sweeper.stop?.());

  app.register(opsRoutes, {
    lifecycle,
    healthPool: deps.healthPool ?? deps.pool,
    metrics,
    version: deps.config.appVersion,
    commit: deps.config.gitCommit,
    isBootstrapped: () => services.secrets.fingerprintKey !== undefined,
  });
  app.register(v1Api(services), { prefix: '/v1' });
  return app as PaymentsApp;
}
