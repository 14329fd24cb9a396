// The load loop: N workers, each owning one keep-alive connection's worth of concurrency, issue
// logical requests until the duration or the request budget is spent (a run is always bounded),
// retrying with the same key as the policy allows. Everything is counted in RunStats.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { sendAttempt } from './attempt.ts';
import { isSuccess, type AttemptOutcome } from './outcome.ts';
import type { PaymentRequest } from './payment-request.ts';
import { decideRetry, NO_RETRY, retryPolicy, type RetryPolicy } from './retry.ts';
import { RunStats, type LoadReport } from './stats.ts';
import { loopbackOrigin } from './target.ts';
import { planRequest, validateWorkload, type PlannedRequest, type Workload } from './workload.ts';

export const MAX_DURATION_MS = 10 * 60_000;
export const MAX_CONNECTIONS = 1024;
export const MAX_REQUESTS = 10_000_000;

export interface LoadOptions {
  /** Origin(s) such as http://127.0.0.1:3000 (loopback only); connections are spread over them round-robin. */
  readonly targets: string | readonly string[];
  /** Concurrent connections (and so requests in flight). */
  readonly connections: number;
  /** Stop starting logical requests after this long. At least one of durationMs / maxRequests. */
  readonly durationMs?: number;
  /** Stop after this many logical requests. */
  readonly maxRequests?: number;
  readonly workload: Workload;
  /** Payments default to DEFAULT_RETRY_POLICY, GETs to NO_RETRY. */
  readonly retry?: Partial<RetryPolicy>;
  /** Per-attempt limit for headers and body (default 10 s): no attempt hangs forever. */
  readonly requestTimeoutMs?: number;
  /** Aborting stops new logical requests; those in flight finish (bounded by their retries). */
  readonly signal?: AbortSignal;
  /** Called after every attempt (tests use it to build timelines). */
  readonly onAttempt?: (event: AttemptEvent) => void;
}

export interface AttemptEvent {
  readonly target: string;
  readonly attempt: number;
  readonly idempotencyKey?: string;
  /** Epoch milliseconds (with fractions), comparable with Date.now(). */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly outcome: AttemptOutcome;
  readonly connectionClose: boolean;
  readonly replayed: boolean;
  readonly resourceId?: string;
}

/** The client's side of the payment ledger, for verifyPayments / checkLedger. */
export interface PaymentsOutcome {
  readonly runId: string;
  /** Idempotency-Key → payment id of its 2xx. */
  readonly succeeded: Map<string, string>;
  readonly attemptedKeys: Set<string>;
  /** Logical payments that never got a 2xx: retry them later with settle (same key, same body). */
  readonly failed: PaymentRequest[];
}

export interface LoadResult {
  readonly report: LoadReport;
  readonly payments: PaymentsOutcome;
}

export class InvalidLoadOptionsError extends Error {
  constructor(field: string, value: unknown, fix: string) {
    super(`load option ${field}=${String(value)} is invalid: ${fix}`);
    this.name = 'InvalidLoadOptionsError';
  }
}

const epochNow = (): number => performance.timeOrigin + performance.now();

function checkOptions(options: LoadOptions): URL[] {
  const targets = (typeof options.targets === 'string' ? [options.targets] : [...options.targets]).map(loopbackOrigin);
  if (targets.length === 0) throw new InvalidLoadOptionsError('targets', '[]', 'give at least one origin');
  if (!Number.isInteger(options.connections) || options.connections < 1 || options.connections > MAX_CONNECTIONS) {
    throw new InvalidLoadOptionsError(
      'connections',
      options.connections,
      `use an integer from 1 to ${MAX_CONNECTIONS}`,
    );
  }
  const { durationMs, maxRequests } = options;
  if (durationMs === undefined && maxRequests === undefined) {
    throw new InvalidLoadOptionsError(
      'durationMs/maxRequests',
      'undefined',
      'set a duration, a request count or both: a run is always bounded',
    );
  }
  if (durationMs !== undefined && !(durationMs > 0 && durationMs <= MAX_DURATION_MS)) {
    throw new InvalidLoadOptionsError('durationMs', durationMs, `use 1..${MAX_DURATION_MS}`);
  }
  if (
    maxRequests !== undefined &&
    !(Number.isInteger(maxRequests) && maxRequests >= 0 && maxRequests <= MAX_REQUESTS)
  ) {
    throw new InvalidLoadOptionsError('maxRequests', maxRequests, `use an integer 0..${MAX_REQUESTS}`);
  }
  validateWorkload(options.workload);
  return targets;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const targets = checkOptions(options);
  const { workload } = options;
  const policy = retryPolicy(options.retry ?? (workload.kind === 'get' ? NO_RETRY : {}));
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const runId = (workload.kind === 'payments' && workload.runId) || randomUUID().slice(0, 8);
  const validYear = new Date().getUTCFullYear() + 5;
  const budget = Math.min(
    options.maxRequests ?? Infinity,
    workload.kind === 'payments' && workload.replay ? workload.replay.length : Infinity,
  );

  const perTarget = targets.map((_, i) => Math.ceil((options.connections - i) / targets.length));
  const pools = targets.map(
    (origin, i) =>
      new Pool(origin, { connections: Math.max(1, perTarget[i]!), pipelining: 1, connect: { timeout: timeoutMs } }),
  );
  const stats = new RunStats();
  const payments: PaymentsOutcome = { runId, succeeded: new Map(), attemptedKeys: new Set(), failed: [] };

  const started = performance.now();
  const deadline = options.durationMs === undefined ? Infinity : started + options.durationMs;
  let nextSeq = 0;
  const claim = (): number | undefined => {
    if (options.signal?.aborted || performance.now() >= deadline || nextSeq >= budget) return undefined;
    return nextSeq++;
  };

  const runLogical = async (pool: Pool, target: string, request: PlannedRequest): Promise<void> => {
    stats.logicalBegan();
    const key = request.payment?.idempotencyKey;
    if (key) payments.attemptedKeys.add(key);
    const first = performance.now();
    for (let attempt = 1; ; attempt += 1) {
      stats.attemptStarted(attempt > 1);
      const startedAt = epochNow();
      const result = await sendAttempt(pool, request, timeoutMs);
      stats.attemptEnded(result.outcome, result.latencyMs);
      options.onAttempt?.({
        target,
        attempt,
        idempotencyKey: key,
        startedAt,
        endedAt: epochNow(),
        outcome: result.outcome,
        connectionClose: result.connectionClose,
        replayed: result.replayed,
        resourceId: result.resourceId,
      });
      const decision = decideRetry(policy, result.outcome, attempt, Math.random());
      if (decision.retry) {
        await sleep(decision.delayMs);
        continue;
      }
      const succeeded = isSuccess(result.outcome);
      stats.logicalEnded(succeeded, performance.now() - first);
      if (request.payment) {
        if (succeeded) payments.succeeded.set(request.payment.idempotencyKey, result.resourceId ?? '');
        else payments.failed.push(request.payment);
      }
      return;
    }
  };

  const worker = async (index: number): Promise<void> => {
    const pool = pools[index % pools.length]!;
    const target = targets[index % targets.length]!.origin;
    for (let seq = claim(); seq !== undefined; seq = claim()) {
      const request = planRequest(workload, runId, seq, validYear);
      if (!request) return;
      await runLogical(pool, target, request);
    }
  };

  try {
    await Promise.all(Array.from({ length: options.connections }, (_, i) => worker(i)));
  } finally {
    await Promise.all(pools.map((pool) => pool.destroy()));
  }
  return { report: stats.report(performance.now() - started, options.connections), payments };
}
