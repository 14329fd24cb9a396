// The service's metric names (services/payments/src/http/metrics.ts, prom-client) and the PromQL built on them,
// shared by the AnalysisTemplates, the alerts and the dashboard so they measure the same thing.
// Series carry rollouts_pod_template_hash through the ServiceMonitor's podTargetLabels.

export const METRICS = {
  /** Counter {method, route, status_code}. */
  requests: 'http_requests_total',
  /** Histogram {method, route, status_code}, seconds. */
  duration: 'http_request_duration_seconds',
  /** Counter {status}: payments by outcome. */
  payments: 'payments_total',
  /** Gauge: requests waiting for a PostgreSQL connection (pg Pool waitingCount). */
  dbPoolWaiting: 'db_pool_requests_waiting',
  /** Gauge: connections checked out of the pool. */
  dbPoolInUse: 'db_pool_connections_in_use',
  /** Gauge: the pool's size limit (DB_POOL_MAX). */
  dbPoolMax: 'db_pool_connections_max',
  /** Gauge (prom-client default metrics), seconds. */
  eventLoopLag: 'nodejs_eventloop_lag_seconds',
} as const;

export type Matcher = string | { readonly re: string };
export type Matchers = Readonly<Record<string, Matcher>>;

/** The public API only: probes and /metrics neither dilute nor inflate the signals. */
export const API_ROUTES: Matchers = { route: { re: '/v1/.*' } };
export const SERVER_ERRORS: Matchers = { status_code: { re: '5..' } };

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function selector(matchers: Matchers): string {
  const parts = Object.entries(matchers).map(([label, m]) =>
    typeof m === 'string' ? `${label}=${quote(m)}` : `${label}=~${quote(m.re)}`,
  );
  return `{${parts.join(',')}}`;
}

function by(labels: readonly string[]): string {
  return labels.length === 0 ? '' : ` by (${labels.join(', ')}) `;
}

/** Per-second rate of a counter, summed; `offset` looks back in time (e.g. "1d": the same time yesterday). */
export function counterRate(
  metric: string,
  matchers: Matchers,
  window: string,
  groupBy: readonly string[] = [],
  offset?: string,
): string {
  const shifted = offset === undefined ? '' : ` offset ${offset}`;
  return `sum${by(groupBy)}(rate(${metric}${selector(matchers)}[${window}]${shifted}))`;
}

/** Requests per second. */
export function requestRate(
  matchers: Matchers,
  window: string,
  groupBy: readonly string[] = [],
  offset?: string,
): string {
  return counterRate(METRICS.requests, matchers, window, groupBy, offset);
}

/** Share of requests answered 5xx. */
export function errorRatio(matchers: Matchers, window: string, groupBy: readonly string[] = []): string {
  return `${requestRate({ ...matchers, ...SERVER_ERRORS }, window, groupBy)}\n/\n${requestRate(matchers, window, groupBy)}`;
}

/** A latency quantile in seconds from the request-duration histogram. */
export function latencyQuantile(
  quantile: number,
  matchers: Matchers,
  window: string,
  groupBy: readonly string[] = [],
): string {
  return `histogram_quantile(${quantile}, sum${by(['le', ...groupBy])}(rate(${METRICS.duration}_bucket${selector(matchers)}[${window}])))`;
}

/** A gauge's maximum over the pods. */
export function gaugeMax(metric: string, matchers: Matchers, groupBy: readonly string[] = []): string {
  return `max${by(groupBy)}(${metric}${selector(matchers)})`;
}

/** A gauge's sum over the pods. */
export function gaugeSum(metric: string, matchers: Matchers, groupBy: readonly string[] = []): string {
  return `sum${by(groupBy)}(${metric}${selector(matchers)})`;
}

/**
 * The 5xx share of one revision for analysis, defined for every revision: prom-client creates the
 * 5xx series only at the first 5xx (an empty numerator means no errors: 0), and a revision with no
 * traffic yet would divide 0 by 0 (a denominator of 0 becomes 1: 0 errors of nothing). So the
 * answer is always one sample — 0 when healthy or idle, the share when failing — never NaN or empty.
 */
export function revisionErrorRatio(matchers: Matchers, window: string): string {
  return `(${requestRate({ ...matchers, ...SERVER_ERRORS }, window)} or vector(0))\n/\n(${requestRate(matchers, window)} > 0 or vector(1))`;
}

/**
 * A latency quantile of one revision for analysis, defined for every revision: no observations
 * (no series, or NaN from zero rates) is 0 seconds — nothing was slow — so an idle or just-started
 * revision passes and a slow one fails.
 */
export function revisionLatencyQuantile(quantile: number, matchers: Matchers, window: string): string {
  return `(${latencyQuantile(quantile, matchers, window)} >= 0) or vector(0)`;
}
