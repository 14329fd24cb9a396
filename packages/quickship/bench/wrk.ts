// wrk (Debian package, /usr/bin/wrk) as the load client of the proxy comparison: a C client
// costs a few µs of CPU per request where the Node loadgen costs ~200 µs, so on a 2-core machine
// the comparison measures the proxies rather than the client they share the cores with.
// The POST /v1/payments workload is a Lua script: every request carries its own Idempotency-Key
// and the same kind of body as the loadgen's payments.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const WRK_BIN = process.env.WRK_BIN ?? '/usr/bin/wrk';

export const hasWrk = (): boolean => existsSync(WRK_BIN);

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

function paymentsScript(apiKey: string): string {
  const prefix = `wrk-${Date.now().toString(36)}-${process.pid}-${++runs}-`;
  const year = new Date().getFullYear() + 3;
  return `
local counter = 0
request = function()
  counter = counter + 1
  local key = "${prefix}" .. counter
  local body = '{"amount":' .. (100 + counter % 9900) .. ',"currency":"usd","card":{"number":"4242424242424242","exp_month":12,"exp_year":${year},"cvc":"123"},"description":"wrk ' .. key .. '","metadata":{"loadgen_key":"' .. key .. '"}}'
  return wrk.format("POST", "/v1/payments", { ["Authorization"] = "Bearer ${apiKey}", ["Content-Type"] = "application/json", ["Idempotency-Key"] = key }, body)
end
`;
}

/** One wrk run (one thread, `connections` keep-alive connections). */
export async function runWrk(options: { readonly url: string; readonly connections: number; readonly seconds: number; readonly workload: WrkWorkload }): Promise<WrkResult> {
  const { url, connections, seconds, workload } = options;
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '10s'];
  let dir: string | undefined;
  if (workload.kind === 'payments') {
    dir = mkdtempSync(join(tmpdir(), 'quickship-wrk-'));
    const script = join(dir, 'payments.lua');
    writeFileSync(script, paymentsScript(workload.apiKey));
    args.push('-s', script, url);
  } else {
    args.push(url + workload.path);
  }
  try {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(WRK_BIN, args, { encoding: 'utf8' }, (error, stdout, stderr) => (error ? reject(new Error(`wrk failed: ${stderr || error.message}`)) : resolve(stdout))),
    );
    return parseWrk(out);
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
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
