// Prometheus metrics, one registry per app. HTTP metrics follow the Prometheus naming guide
// (…_total counters, …_seconds histograms) and label the route template, never the raw URL, so
// ids in paths cannot explode cardinality; unmatched URLs share the route label "unmatched".
import type pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status_code'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly payments: Counter<'status'>;
  readonly refunds: Counter;
  readonly idempotentReplays: Counter;
  readonly createBatchSize: Histogram;
}

export function createMetrics(pool: pg.Pool, info: { version: string; commit: string }): Metrics {
  const registry = new Registry();
  // Process metrics, including nodejs_eventloop_lag_seconds (and its percentiles).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const registers = [registry];
  new Gauge({
    name: 'app_info',
    help: 'The running build: version and commit',
    labelNames: ['version', 'commit'],
    registers,
  }).set(info, 1);
  new Gauge({
    name: 'db_pool_connections_in_use',
    help: 'Database connections checked out of the pool',
    registers,
    collect() {
      this.set(pool.totalCount - pool.idleCount);
    },
  });
  new Gauge({
    name: 'db_pool_requests_waiting',
    help: 'Requests waiting for a database connection (pool saturation)',
    registers,
    collect() {
      this.set(pool.waitingCount);
    },
  });
  new Gauge({
    name: 'db_pool_connections_max',
    help: 'Size limit of the database pool (DB_POOL_MAX)',
    registers,
    collect() {
      this.set(pool.options.max ?? 0);
    },
  });
  return {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered',
      labelNames: ['method', 'route', 'status_code'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving a request to sending its response',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    payments: new Counter({
      name: 'payments_total',
      help: 'Payments created, by resulting status',
      labelNames: ['status'],
      registers,
    }),
    refunds: new Counter({ name: 'refunds_total', help: 'Refunds created', registers }),
    idempotentReplays: new Counter({
      name: 'idempotent_replays_total',
      help: 'Responses replayed for a repeated Idempotency-Key',
      registers,
    }),
    // Group commit (idempotency/group-commit.ts): how many creates shared one statement and commit.
    createBatchSize: new Histogram({
      name: 'payments_create_batch_size',
      help: 'Payment creates committed together in one statement',
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers,
    }),
  };
}

/**
 * Records one answered request (app.ts calls it from its single onResponse hook, so 404s and errors
 * count too). Routes are templates (unmatched URLs share "unmatched"), so the label sets stay few.
 */
export function recordRequest(
  metrics: Metrics,
  method: string,
  route: string,
  statusCode: number,
  seconds: number,
): void {
  const labels = { method, route, status_code: String(statusCode) };
  metrics.httpRequests.inc(labels);
  metrics.httpDuration.observe(labels, seconds);
}
