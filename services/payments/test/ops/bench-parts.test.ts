// The benchmark's pure parts (services/payments/bench): reading pgbench's summary, the verdict
// against the goal and floor, the printed table, and wrk's summary line (CPU time from
// /proc/<pid>/stat: packages/loadgen/src/proc-cpu.test.ts).
import { describe, expect, it } from 'vitest';
import { formatFigures, medianRound, verdictOf, type BenchFigures, type RoundFigures } from '../../bench/figures.ts';
import { parsePgbenchOutput } from '../../bench/pgbench-output.ts';
import { wrkFigures } from '../../bench/payments-load.ts';
import { parseWrkSummary } from '@quickship/loadgen';

// pgbench 15's summary for a custom script (-n -c 32 -j 2 -T 10 -f insert.sql).
const PGBENCH_15 = `pgbench (15.18 (Debian 15.18-0+deb12u1))
transaction type: /tmp/quickship-pgbench-x/insert.sql
scaling factor: 1
query mode: simple
number of clients: 32
number of threads: 2
maximum number of tries: 1
duration: 10 s
number of transactions actually processed: 32404
number of failed transactions: 0 (0.000%)
latency average = 9.634 ms
initial connection time = 35.412 ms
tps = 3320.812407 (without initial connection time)
`;

describe('benchmark parts', () => {
  it('reads TPS, transactions, failures and latency from pgbench', () => {
    expect(parsePgbenchOutput(PGBENCH_15)).toEqual({
      tps: 3320.812407,
      transactions: 32404,
      failedTransactions: 0,
      latencyAvgMs: 9.634,
    });
    expect(() => parsePgbenchOutput('pgbench: error: connection to server failed')).toThrow(
      /tps = .*connection to server failed/s,
    );
  });

  it('judges the ratio against the goal (0.5) and the floor (0.3)', () => {
    expect([verdictOf(0.62), verdictOf(0.5), verdictOf(0.49), verdictOf(0.3), verdictOf(0.29)]).toEqual([
      'goal met',
      'goal met',
      'below goal',
      'below goal',
      'below floor',
    ]);
  });

  it('prints every figure the issue asks for', () => {
    const latency = { count: 100, minMs: 1, meanMs: 5, p50Ms: 4.5, p90Ms: 8, p99Ms: 12.25, p999Ms: 20, maxMs: 30 };
    const figures: BenchFigures = {
      seconds: 20,
      connections: 32,
      instances: 1,
      client: 'wrk',
      payments: {
        perSec: 1234.5,
        succeeded: 24690,
        failed: 0,
        sent: 24690,
        nonOkByStatus: {},
        transportErrors: {},
        latency,
      },
      pgbench: { tps: 2469, transactions: 49380, failedTransactions: 0, clients: 32 },
      ratio: 0.5,
      verdict: 'goal met',
      cpuMsPer: { payment: { service: 0.5, postgres: 0.2, client: 0.1 }, insert: { postgres: 0.07, pgbench: 0.03 } },
      loadAverage: { payments: 1.5, pgbench: 1.25 },
      rounds: [
        { paymentsPerSec: 1200, insertTps: 2500, ratio: 0.48 },
        { paymentsPerSec: 1234.5, insertTps: 2469, ratio: 0.5 },
      ],
    };
    const table = formatFigures(figures);
    for (const text of [
      '1,234.5',
      '4.50 ms / 12.25 ms',
      '2,469.0',
      '0.500',
      'goal met',
      'service 0.500',
      'wrk 0.100',
      'postgres 0.070',
      'client wrk',
      '1.50 during payments',
      '1,200 / 2,500 = 0.480;  1,235 / 2,469 = 0.500',
    ])
      expect(table).toContain(text);
  });

  it("reads payments.lua's wrk summary and turns it into the benchmark's figures", () => {
    const line = (requests: number, status: number, read: number, p99Us: number): string =>
      `WRK_SUMMARY {"requests":${requests},"durationUs":10000000,"status":${status},"connect":0,"read":${read},"write":0,"timeout":0,` +
      `"minUs":800,"p50Us":4000,"p90Us":9000,"p99Us":${p99Us},"p999Us":40000,"maxUs":50000,"meanUs":5000.5}`;
    const a = parseWrkSummary(
      `Running 10s test @ http://127.0.0.1:1\n  1 threads and 16 connections\n${line(12000, 0, 0, 20000)}\n`,
    );
    const b = parseWrkSummary(line(11000, 3, 2, 30000));
    expect(a).toMatchObject({ requests: 12000, status: 0, p99Us: 20000 });
    const figures = wrkFigures([a, b]);
    expect(figures).toMatchObject({
      succeeded: 22997,
      failed: 5,
      sent: 23002,
      perSec: 2299.7,
      nonOkByStatus: { 'non-2xx': 3 },
      transportErrors: { read: 2 },
    });
    expect(figures.latency).toMatchObject({ minMs: 0.8, p50Ms: 4, p99Ms: 30, maxMs: 50 });
    expect(() => parseWrkSummary('unable to connect to 127.0.0.1:1 Connection refused')).toThrow(
      /no summary line.*Connection refused/s,
    );
  });

  it('reports the round with the median ratio', () => {
    const round = (ratio: number) => ({ ratio }) as unknown as RoundFigures;
    expect(medianRound([round(0.4), round(0.2), round(0.3)]).ratio).toBe(0.3);
    expect(medianRound([round(0.4), round(0.2)]).ratio).toBe(0.2);
    expect(medianRound([round(0.4)]).ratio).toBe(0.4);
    expect(() => medianRound([])).toThrow(/no rounds/);
  });
});
