// wrk (Debian package, /usr/bin/wrk; WRK_BIN) as the load client of the proxy comparison: a C
// client costs a few µs of CPU per request where the Node loadgen costs ~200 µs, so on a 2-core
// machine the comparison measures the proxies rather than the client they share the cores with.
// GET: plain wrk, its text output parsed. POST /v1/payments: @quickship/loadgen's wrk runner
// (payments.lua: every request carries its own Idempotency-Key and the loadgen's kind of body).
import { execFile } from 'node:child_process';
import { runWrkPayments, WRK_BIN, type WrkSummary } from '@quickship/loadgen';

export type WrkWorkload = { readonly kind: 'get'; readonly path: string } | { readonly kind: 'payments'; readonly apiKey: string };

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
export async function runWrk(options: { readonly url: string; readonly connections: number; readonly seconds: number; readonly workload: WrkWorkload }): Promise<WrkResult> {
  const { url, connections, seconds, workload } = options;
  if (workload.kind === 'payments') {
    const keyPrefix = `wrk-${Date.now().toString(36)}-${process.pid}-${++runs}-`;
    return wrkResult(await runWrkPayments({ target: url, connections, seconds, apiKey: workload.apiKey, keyPrefix, expiryYear: new Date().getFullYear() + 3 }));
  }
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '10s', url + workload.path];
  const out = await new Promise<string>((resolve, reject) =>
    execFile(WRK_BIN, args, { encoding: 'utf8' }, (error, stdout, stderr) => (error ? reject(new Error(`wrk failed: ${stderr || error.message}`)) : resolve(stdout))),
  );
  return parseWrk(out);
}

/** The figures of a payments.lua run: requests ÷ duration, and every non-2xx/3xx or socket error. */
export function wrkResult(summary: WrkSummary): WrkResult {
  return {
    requests: summary.requests,
    rps: summary.requests / (summary.durationUs / 1e6),
    p50Ms: summary.p50Us / 1000,
    p99Ms: summary.p99Us / 1000,
    errors: summary.status + summary.connect + summary.read + summary.write + summary.timeout,
  };
}

export function parseWrk(out: string): WrkResult {
  const number = (re: RegExp): number => Number(re.exec(out)?.[1] ?? Number.NaN);
  const latency = (q: string): number => {
    const match = new RegExp(`^\\s+${q}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(out);
    if (!match) return Number.NaN;
    const value = Number(match[1]);
    return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((n, v) => n + Number(v), 0) : 0;
  return {
    requests: number(/(\d+) requests in/),
    rps: number(/Requests\/sec:\s+([\d.]+)/),
    p50Ms: latency('50'),
    p99Ms: latency('99'),
    errors: (/Non-2xx or 3xx responses: (\d+)/.test(out) ? number(/Non-2xx or 3xx responses: (\d+)/) : 0) + socketErrors,
  };
}
