// The client retry policy. A payment may be retried only with the SAME Idempotency-Key (and the
// same body), so that a retry can never create a second payment — Stripe's rule for safe retries
// (stripe.com/docs/api/idempotent_requests; stripe-node likewise retries connection errors and
// 409 conflicts, with exponential backoff and jitter, reusing the key it generated).
import type { AttemptOutcome } from './outcome.ts';

export interface RetryPolicy {
  /** Total attempts per logical request, including the first. 1 disables retries. */
  readonly maxAttempts: number;
  /** Backoff before attempt n+1 is about baseDelayMs·2^(n-1), capped at maxDelayMs, with jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Response statuses worth retrying. 503 is what a draining or database-less instance answers. */
  readonly retryStatuses: readonly number[];
  /** Retry 409 `idempotency_error`: the first request with this key is still executing. */
  readonly retryInFlightConflict: boolean;
  /** Retry transport errors (refused/reset connections and timeouts). */
  readonly retryTransportErrors: boolean;
}

export class InvalidRetryPolicyError extends Error {
  constructor(field: string, value: unknown, expected: string) {
    super(`retry policy ${field}=${String(value)} is invalid: ${expected}`);
    this.name = 'InvalidRetryPolicyError';
  }
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 25,
  maxDelayMs: 400,
  retryStatuses: [503],
  retryInFlightConflict: true,
  retryTransportErrors: true,
};

/** No retries: every attempt's raw outcome is the logical outcome (router and GET benchmarks). */
export const NO_RETRY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 };

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1 || policy.maxAttempts > 100) {
    throw new InvalidRetryPolicyError(
      'maxAttempts',
      policy.maxAttempts,
      'use an integer from 1 to 100 (retries are always bounded)',
    );
  }
  if (!(policy.baseDelayMs >= 0) || !(policy.maxDelayMs >= policy.baseDelayMs) || policy.maxDelayMs > 60_000) {
    throw new InvalidRetryPolicyError(
      'baseDelayMs/maxDelayMs',
      `${policy.baseDelayMs}/${policy.maxDelayMs}`,
      'use 0 ≤ baseDelayMs ≤ maxDelayMs ≤ 60000',
    );
  }
  return policy;
}

export type RetryDecision =
  | { readonly retry: false; readonly reason: string }
  | { readonly retry: true; readonly delayMs: number; readonly reason: string };

function retryable(policy: RetryPolicy, outcome: AttemptOutcome): string | undefined {
  if (outcome.kind === 'transport') return policy.retryTransportErrors ? `transport error ${outcome.code}` : undefined;
  if (outcome.status === 409 && outcome.errorType === 'idempotency_error') {
    return policy.retryInFlightConflict ? 'request with this key still in flight (409)' : undefined;
  }
  return policy.retryStatuses.includes(outcome.status) ? `status ${outcome.status}` : undefined;
}

/**
 * Decides whether attempt number `attempt` (1-based), which ended in `outcome`, is followed by
 * another attempt with the same key. `random` in [0,1) supplies the jitter ("equal jitter":
 * half the backoff fixed, half random, so retries of many clients spread out).
 */
export function decideRetry(
  policy: RetryPolicy,
  outcome: AttemptOutcome,
  attempt: number,
  random: number,
): RetryDecision {
  if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300)
    return { retry: false, reason: 'succeeded' };
  const reason = retryable(policy, outcome);
  if (reason === undefined)
    return {
      retry: false,
      reason: `not retryable: ${outcome.kind === 'response' ? `status ${outcome.status}` : outcome.code}`,
    };
  if (attempt >= policy.maxAttempts) return { retry: false, reason: `${reason}; gave up after ${attempt} attempts` };
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return { retry: true, delayMs: Math.round(backoff / 2 + (backoff / 2) * random), reason };
}
