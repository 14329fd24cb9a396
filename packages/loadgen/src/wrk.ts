// HTTP load from wrk (Debian package `wrk`, C) for the benchmarks (`npm run bench`,
// `bench:cutover`): a C client costs a few µs of CPU per request where this package's Node load
// generator costs ~0.2 ms, CPU taken from what is being measured on a 2-core machine (pgbench, the
// payments benchmark's baseline, is a C client costing ~0.02 ms per insert). payments.lua sends
// each payment with its own Idempotency-Key; summary.lua (alone: plain GETs) reports one JSON line
// (WRK_SUMMARY) for both.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const WRK_BIN = process.env.WRK_BIN ?? '/usr/bin/wrk';
const script = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));

export const wrkAvailable = (): boolean => existsSync(WRK_BIN);

export interface WrkOptions {
  readonly target: string;
  readonly connections: number;
  readonly seconds: number;
  readonly apiKey: string;
  /** Idempotency keys are `<keyPrefix><n>`. */
  readonly keyPrefix: string;
  readonly expiryYear: number;
}

export interface WrkSummary {
  readonly requests: number;
  readonly durationUs: number;
  /** Responses that were not 2xx/3xx. */
  readonly status: number;
  readonly connect: number;
  readonly read: number;
  readonly write: number;
  readonly timeout: number;
  readonly minUs: number;
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly p999Us: number;
  readonly maxUs: number;
  readonly meanUs: number;
}

/** The JSON line summary.lua's done() prints. */
export function parseWrkSummary(stdout: string): WrkSummary {
  const line = stdout.split('\n').find((l) => l.startsWith('WRK_SUMMARY '));
  if (line === undefined) throw new Error(`wrk printed no summary line; its output was:\n${stdout}`);
  return JSON.parse(line.slice('WRK_SUMMARY '.length)) as WrkSummary;
}

/** One wrk run: one thread, `connections` keep-alive connections, `seconds` long. */
async function runScript(
  file: string,
  target: string,
  connections: number,
  seconds: number,
  args: readonly string[] = [],
): Promise<WrkSummary> {
  const { stdout } = await run(
    WRK_BIN,
    [
      '-t',
      '1',
      '-c',
      String(connections),
      '-d',
      `${seconds}s`,
      '--timeout',
      '10s',
      '-s',
      script(file),
      target,
      '--',
      ...args,
    ],
    { maxBuffer: 16 * 1024 * 1024, timeout: (seconds + 60) * 1000 },
  );
  return parseWrkSummary(stdout);
}

/** Plain GETs of `url` (path included). */
export function runWrkGet(options: {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
}): Promise<WrkSummary> {
  return runScript('summary.lua', options.url, options.connections, options.seconds);
}

export function runWrkPayments(options: WrkOptions): Promise<WrkSummary> {
  return runScript('payments.lua', options.target, options.connections, options.seconds, [
    options.keyPrefix,
    options.apiKey,
    String(options.expiryYear),
  ]);
}
