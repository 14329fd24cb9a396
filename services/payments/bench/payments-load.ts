// The payments phase of the benchmark with either client: wrk (default when installed; why in
// @quickship/loadgen's wrk.ts) or @quickship/loadgen's Node client (BENCH_CLIENT=loadgen, or when
// wrk is missing). Both send one POST /v1/payments per payment with its own Idempotency-Key
// stored in metadata.loadgen_key, and both report the same figures; the client's own CPU is
// measured so it can be printed.
import {
  keyPrefix as runKeyPrefix,
  ownCpuMs,
  reapedChildrenCpuMs,
  runLoad,
  runWrkPayments,
  type LoadReport,
  type WrkSummary,
} from '@quickship/loadgen';
import type { BenchFigures } from './figures.ts';

export type BenchClient = 'wrk' | 'loadgen';

export interface PaymentsPhase {
  readonly targets: readonly string[];
  readonly connections: number;
  readonly seconds: number;
  readonly apiKey: string;
  /** Distinguishes the warm-up's keys from the measured run's. */
  readonly runId: string;
  readonly signal?: AbortSignal;
}

export interface PaymentsResult {
  readonly figures: BenchFigures['payments'];
  /** CPU ms the client used (wrk: reaped child processes; loadgen: this process). */
  readonly clientCpuMs: number;
  /** Stored payments of this run have metadata.loadgen_key starting with this. */
  readonly keyPrefix: string;
  /** For the printed per-request report (loadgen only). */
  readonly report?: LoadReport;
}

export async function runPaymentsPhase(client: BenchClient, phase: PaymentsPhase): Promise<PaymentsResult> {
  return client === 'wrk' ? wrkPhase(phase) : loadgenPhase(phase);
}

async function wrkPhase(phase: PaymentsPhase): Promise<PaymentsResult> {
  const keyPrefix = runKeyPrefix(phase.runId);
  const before = reapedChildrenCpuMs();
  // One wrk per service process, the connections split between them.
  const summaries = await Promise.all(
    phase.targets.map((target, i) =>
      runWrkPayments({
        target,
        connections: Math.ceil((phase.connections - i) / phase.targets.length),
        seconds: phase.seconds,
        apiKey: phase.apiKey,
        keyPrefix: `${keyPrefix}${i}_`,
        expiryYear: new Date().getUTCFullYear() + 5,
      }),
    ),
  );
  return { figures: wrkFigures(summaries), clientCpuMs: reapedChildrenCpuMs() - before, keyPrefix };
}

/** Figures from one or more wrk runs of the same length (latency: the worst of them). */
export function wrkFigures(summaries: readonly WrkSummary[]): BenchFigures['payments'] {
  const sum = (pick: (s: WrkSummary) => number): number => summaries.reduce((n, s) => n + pick(s), 0);
  const worst = (pick: (s: WrkSummary) => number): number => Math.max(...summaries.map(pick)) / 1000;
  const responses = sum((s) => s.requests);
  const status = sum((s) => s.status);
  const transportErrors = {
    connect: sum((s) => s.connect),
    read: sum((s) => s.read),
    write: sum((s) => s.write),
    timeout: sum((s) => s.timeout),
  };
  const transport = Object.values(transportErrors).reduce((a, b) => a + b, 0);
  const succeeded = responses - status;
  const seconds = Math.max(...summaries.map((s) => s.durationUs)) / 1e6;
  return {
    perSec: seconds > 0 ? succeeded / seconds : 0,
    succeeded,
    failed: status + transport,
    sent: responses + transport,
    nonOkByStatus: status > 0 ? { 'non-2xx': status } : {},
    transportErrors,
    latency: {
      count: responses,
      minMs: Math.min(...summaries.map((s) => s.minUs)) / 1000,
      meanMs: worst((s) => s.meanUs),
      p50Ms: worst((s) => s.p50Us),
      p90Ms: worst((s) => s.p90Us),
      p99Ms: worst((s) => s.p99Us),
      p999Ms: worst((s) => s.p999Us),
      maxMs: worst((s) => s.maxUs),
    },
  };
}

async function loadgenPhase(phase: PaymentsPhase): Promise<PaymentsResult> {
  const before = ownCpuMs();
  const { report } = await runLoad({
    targets: phase.targets,
    connections: phase.connections,
    durationMs: phase.seconds * 1000,
    workload: { kind: 'payments', apiKey: phase.apiKey, runId: phase.runId },
    signal: phase.signal,
  });
  return {
    figures: {
      perSec: report.throughput.succeededPerSec,
      succeeded: report.logical.succeeded,
      failed: report.logical.failed,
      sent: report.attempts.sent,
      nonOkByStatus: report.attempts.nonOkByStatus,
      transportErrors: report.attempts.transportErrors,
      latency: report.latency,
    },
    clientCpuMs: ownCpuMs() - before,
    keyPrefix: runKeyPrefix(phase.runId),
    report,
  };
}
