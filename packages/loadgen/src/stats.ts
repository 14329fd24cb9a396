// Per-run accounting, pure: attempts (what went over the wire) and logical requests (what the
// caller wanted done, possibly after retries with the same key). The I/O loop feeds it.
import { LatencyHistogram, type LatencySummary } from './histogram.ts';
import { isSuccess, outcomeLabel, type AttemptOutcome, type TransportPhase } from './outcome.ts';

export interface AttemptCounts {
  /** Attempts started (first tries and retries). */
  readonly sent: number;
  /** Attempts answered 2xx. */
  readonly ok: number;
  /** Attempts answered with another status, by status code. */
  readonly nonOkByStatus: Readonly<Record<string, number>>;
  /** Attempts that got no HTTP response, by error code (ECONNREFUSED, UND_ERR_SOCKET, …). */
  readonly transportErrors: Readonly<Record<string, number>>;
  /** Transport errors by phase: `connect` never sent a byte; `socket`/`timeout` may have reached the server. */
  readonly transportByPhase: Readonly<Record<TransportPhase, number>>;
  /** Attempts that were retries of an earlier attempt with the same key. */
  readonly retried: number;
}

export interface LogicalCounts {
  readonly started: number;
  /** Got a 2xx (possibly after retries). */
  readonly succeeded: number;
  /** Never got a 2xx: retries exhausted, a non-retryable answer, or the run ended first. */
  readonly failed: number;
}

export interface LoadReport {
  readonly elapsedMs: number;
  readonly connections: number;
  readonly attempts: AttemptCounts;
  readonly logical: LogicalCounts;
  /** Latency of attempts that got an HTTP response (any status). */
  readonly latency: LatencySummary;
  /** Latency of succeeded logical requests, from their first attempt to their 2xx. */
  readonly logicalLatency: LatencySummary;
  /** Responses (any status) per second, and succeeded logical requests per second. */
  readonly throughput: { readonly responsesPerSec: number; readonly succeededPerSec: number };
}

const increment = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

export class RunStats {
  private sent = 0;
  private ok = 0;
  private retried = 0;
  private readonly nonOk: Record<string, number> = {};
  private readonly transport: Record<string, number> = {};
  private readonly phases: Record<TransportPhase, number> = { connect: 0, socket: 0, timeout: 0 };
  private logicalStarted = 0;
  private logicalSucceeded = 0;
  private logicalFailed = 0;
  readonly latency = new LatencyHistogram();
  readonly logicalLatency = new LatencyHistogram();

  attemptStarted(isRetry: boolean): void {
    this.sent += 1;
    if (isRetry) this.retried += 1;
  }

  attemptEnded(outcome: AttemptOutcome, latencyMs: number): void {
    if (outcome.kind === 'transport') {
      increment(this.transport, outcome.code);
      this.phases[outcome.phase] += 1;
      return;
    }
    this.latency.record(latencyMs);
    if (isSuccess(outcome)) this.ok += 1;
    else increment(this.nonOk, outcomeLabel(outcome));
  }

  logicalBegan(): void {
    this.logicalStarted += 1;
  }

  logicalEnded(succeeded: boolean, latencyMs: number): void {
    if (succeeded) {
      this.logicalSucceeded += 1;
      this.logicalLatency.record(latencyMs);
    } else {
      this.logicalFailed += 1;
    }
  }

  report(elapsedMs: number, connections: number): LoadReport {
    const seconds = Math.max(elapsedMs, 1) / 1000;
    return {
      elapsedMs,
      connections,
      attempts: {
        sent: this.sent,
        ok: this.ok,
        nonOkByStatus: { ...this.nonOk },
        transportErrors: { ...this.transport },
        transportByPhase: { ...this.phases },
        retried: this.retried,
      },
      logical: { started: this.logicalStarted, succeeded: this.logicalSucceeded, failed: this.logicalFailed },
      latency: this.latency.summary(),
      logicalLatency: this.logicalLatency.summary(),
      throughput: { responsesPerSec: this.latency.count / seconds, succeededPerSec: this.logicalSucceeded / seconds },
    };
  }
}
