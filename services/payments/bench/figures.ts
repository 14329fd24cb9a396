// The benchmark's verdict and its printed table, pure. The ratio compares payments/s with the
// database's own single-row INSERT TPS measured by pgbench on the same cluster in the same run:
// a payment needs at least one durable commit, so insert TPS is the ceiling to approach. The
// headline figures are the median round's (rounds alternate payments and pgbench, so a noisy
// neighbour on a shared machine hits both sides of a round's ratio).
import { table, type LatencySummary } from '@quickship/loadgen';

export const RATIO_GOAL = 0.5;
export const RATIO_FLOOR = 0.3;

/** One round: a payments phase, then a pgbench phase, each `seconds` long. */
export interface RoundFigures {
  readonly payments: {
    readonly perSec: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly sent: number;
    readonly nonOkByStatus: Readonly<Record<string, number>>;
    readonly transportErrors: Readonly<Record<string, number>>;
    readonly latency: LatencySummary;
  };
  readonly pgbench: {
    readonly tps: number;
    readonly transactions: number;
    readonly failedTransactions: number;
    readonly latencyAvgMs?: number;
    readonly clients: number;
  };
  readonly ratio: number;
  /** CPU milliseconds per payment / per pgbench insert, by part (Linux /proc; absent elsewhere). */
  readonly cpuMsPer?: {
    readonly payment: { readonly service: number; readonly postgres: number; readonly client: number };
    readonly insert: { readonly postgres: number; readonly pgbench: number };
  };
  /** 1-minute load average when each phase ended: the machine is shared, so context matters. */
  readonly loadAverage: { readonly payments: number; readonly pgbench: number };
}

/** The benchmark's result: the median round (by ratio) in full, and every round's three figures. */
export interface BenchFigures extends RoundFigures {
  readonly seconds: number;
  readonly connections: number;
  readonly instances: number;
  /** The HTTP load generator: wrk (C) or @quickship/loadgen (Node). */
  readonly client: 'wrk' | 'loadgen';
  readonly verdict: Verdict;
  readonly rounds: readonly { readonly paymentsPerSec: number; readonly insertTps: number; readonly ratio: number }[];
}

/** The round with the median ratio (the lower middle one for an even count). */
export function medianRound(rounds: readonly RoundFigures[]): RoundFigures {
  if (rounds.length === 0) throw new Error('no rounds were measured');
  const sorted = [...rounds].sort((a, b) => a.ratio - b.ratio);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export type Verdict = 'goal met' | 'below goal' | 'below floor';

export function verdictOf(ratio: number): Verdict {
  if (ratio >= RATIO_GOAL) return 'goal met';
  return ratio >= RATIO_FLOOR ? 'below goal' : 'below floor';
}

const fmt = (n: number, digits = 1): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function formatFigures(f: BenchFigures): string {
  const rows: [string, string][] = [
    [
      'payments/s',
      `${fmt(f.payments.perSec)}  (${f.payments.succeeded} created in ${f.seconds} s, ${f.connections} connections, ${f.instances} process${f.instances > 1 ? 'es' : ''}, client ${f.client})`,
    ],
    [
      'latency p50 / p99',
      `${fmt(f.payments.latency.p50Ms, 2)} ms / ${fmt(f.payments.latency.p99Ms, 2)} ms  (p90 ${fmt(f.payments.latency.p90Ms, 2)}, max ${fmt(f.payments.latency.maxMs, 2)})`,
    ],
    ['failed payments', `${f.payments.failed} of ${f.payments.sent} requests sent`],
    [
      'pgbench insert TPS',
      `${fmt(f.pgbench.tps)}  (${f.pgbench.clients} clients, single-row INSERT, ${f.pgbench.transactions} transactions)`,
    ],
    ['ratio payments/s ÷ TPS', `${fmt(f.ratio, 3)}  — ${f.verdict} (goal ≥ ${RATIO_GOAL}, floor ${RATIO_FLOOR})`],
    [
      'rounds (payments/s, TPS, ratio)',
      f.rounds.map((r) => `${fmt(r.paymentsPerSec, 0)} / ${fmt(r.insertTps, 0)} = ${fmt(r.ratio, 3)}`).join(';  '),
    ],
  ];
  if (f.cpuMsPer) {
    const { payment, insert } = f.cpuMsPer;
    rows.push(
      [
        'CPU ms per payment',
        `service ${fmt(payment.service, 3)} + postgres ${fmt(payment.postgres, 3)} + ${f.client} ${fmt(payment.client, 3)}`,
      ],
      ['CPU ms per insert', `postgres ${fmt(insert.postgres, 3)} + pgbench ${fmt(insert.pgbench, 3)}`],
    );
  }
  rows.push([
    'load average (1 min)',
    `${fmt(f.loadAverage.payments, 2)} during payments, ${fmt(f.loadAverage.pgbench, 2)} during pgbench`,
  ]);
  return table(rows);
}
