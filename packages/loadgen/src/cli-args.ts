// Argument parsing for the loadgen CLI, pure: argv in, a plan (or a usage error) out.
import { parseArgs } from 'node:util';
import type { LoadOptions } from './run.ts';
import { loopbackOrigin } from './target.ts';

export const USAGE = `usage: tsx packages/loadgen/src/cli.ts [options] <url>

  GET <url> repeatedly (like hey/wrk), or with --payments create payments at <url>'s origin.
  Only loopback targets (127.0.0.0/8, ::1, localhost) are accepted.

  -c, --connections N   concurrent keep-alive connections (default 32)
  -d, --duration S      seconds to run (default 10 unless -n is given)
  -n, --requests N      stop after N logical requests
      --payments        POST /v1/payments with a new Idempotency-Key per payment
  -k, --api-key KEY     API key for --payments (default $LOADGEN_API_KEY)
      --attempts N      attempts per logical request, same key (default 5 payments, 1 GET)
      --timeout MS      per-attempt timeout (default 10000)
      --verify          after --payments, check every acknowledged key has exactly one payment
      --json            print the report as JSON
  -h, --help`;

export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n\n${USAGE}`);
    this.name = 'UsageError';
  }
}

export interface CliPlan {
  readonly help: boolean;
  readonly load: LoadOptions;
  readonly verify: boolean;
  readonly json: boolean;
}

function positiveNumber(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new UsageError(`--${name} ${value}: expected a positive ${integer ? 'integer' : 'number'}`);
  return n;
}

export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliPlan {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        connections: { type: 'string', short: 'c' },
        duration: { type: 'string', short: 'd' },
        requests: { type: 'string', short: 'n' },
        payments: { type: 'boolean' },
        'api-key': { type: 'string', short: 'k' },
        attempts: { type: 'string' },
        timeout: { type: 'string' },
        verify: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const dummy: LoadOptions = { targets: [], connections: 1, workload: { kind: 'get', path: '/' } };
  if (values.help) return { help: true, load: dummy, verify: false, json: false };
  if (positionals.length !== 1) throw new UsageError('give exactly one target URL, e.g. http://127.0.0.1:3000/healthz');
  const url = new URL(loopbackOrigin(positionals[0]!).origin);
  const full = new URL(positionals[0]!);
  const maxRequests = positiveNumber('requests', values.requests, true);
  const seconds = positiveNumber('duration', values.duration, false) ?? (maxRequests === undefined ? 10 : undefined);
  const attempts = positiveNumber('attempts', values.attempts, true);
  const apiKey = values['api-key'] ?? env.LOADGEN_API_KEY;
  if (values.payments && !apiKey)
    throw new UsageError('--payments needs --api-key KEY or LOADGEN_API_KEY (a key of PAYMENTS_API_KEYS)');
  if (values.verify && !values.payments) throw new UsageError('--verify only applies to --payments');
  return {
    help: false,
    verify: values.verify ?? false,
    json: values.json ?? false,
    load: {
      targets: url.origin,
      connections: positiveNumber('connections', values.connections, true) ?? 32,
      durationMs: seconds === undefined ? undefined : seconds * 1000,
      maxRequests,
      workload: values.payments
        ? { kind: 'payments', apiKey: apiKey! }
        : { kind: 'get', path: `${full.pathname}${full.search}` },
      retry: attempts === undefined ? undefined : { maxAttempts: attempts },
      requestTimeoutMs: positiveNumber('timeout', values.timeout, true),
    },
  };
}
