// After an outage: retry the logical payments that never got a 2xx, with their own keys and
// bodies, until they do (or the generous retry budget runs out). The idempotency contract says a
// request that died midway can be completed by a retry, so after recovery none may stay failed.
import type { PaymentRequest } from './payment-request.ts';
import type { RetryPolicy } from './retry.ts';
import { runLoad, type LoadResult } from './run.ts';

export interface SettleOptions {
  readonly targets: string | readonly string[];
  readonly apiKey: string;
  readonly payments: readonly PaymentRequest[];
  /** Default 4. */
  readonly connections?: number;
  /** Default: 20 attempts, backoff 50..1000 ms (a key may stay locked for a moment after a crash). */
  readonly retry?: Partial<RetryPolicy>;
  readonly requestTimeoutMs?: number;
}

export function settlePayments(options: SettleOptions): Promise<LoadResult> {
  return runLoad({
    targets: options.targets,
    connections: Math.max(1, Math.min(options.connections ?? 4, options.payments.length)),
    maxRequests: options.payments.length,
    workload: { kind: 'payments', apiKey: options.apiKey, replay: options.payments },
    retry: { maxAttempts: 20, baseDelayMs: 50, maxDelayMs: 1000, ...options.retry },
    requestTimeoutMs: options.requestTimeoutMs,
  });
}
