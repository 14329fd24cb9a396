// wrk (Debian package, /usr/bin/wrk; WRK_BIN) as the load client of the proxy comparison: a C
// client costs a few µs of CPU per request where the Node loadgen costs ~200 µs, so on a 2-core
// machine the comparison measures the proxies rather than the client they share the cores with.
// Both workloads run through @quickship/loadgen's wrk runner: plain GETs, or POST /v1/payments
// (payments.lua: every request carries its own Idempotency-Key and the loadgen's kind of body).
import { runWrkGet, runWrkPayments, type WrkSummary } from '@quickship/loadgen';

export type WrkWorkload =
  { readonly kind: 'get'; readonly path: string } | { readonly kind: 'payments'; readonly apiKey: string };

export interface WrkResult {
  readonly requests: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Non-2xx/3xx answers plus socket errors. */
  readonly errors: number;
}

let runs = 0;

/** One wrk run (one thread, `connections` keep-alive connections). */
export async function runWrk(options: {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  readonly workload: WrkWorkload;
}): Promise<WrkResult> {
  const { url, connections, seconds, workload } = options;
  if (workload.kind === 'get') return wrkResult(await runWrkGet({ url: url + workload.path, connections, seconds }));
  const keyPrefix = `wrk-${Date.now().toString(36)}-${process.pid}-${++runs}-`;
  return wrkResult(
    await runWrkPayments({
      target: url,
      connections,
      seconds,
      apiKey: workload.apiKey,
      keyPrefix,
      expiryYear: new Date().getFullYear() + 3,
    }),
  );
}

/** Requests ÷ duration, and every non-2xx/3xx or socket error. */
function wrkResult(summary: WrkSummary): WrkResult {
  return {
    requests: summary.requests,
    rps: summary.requests / (summary.durationUs / 1e6),
    p50Ms: summary.p50Us / 1000,
    p99Ms: summary.p99Us / 1000,
    errors: summary.status + summary.connect + summary.read + summary.write + summary.timeout,
  };
}
