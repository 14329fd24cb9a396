// FAULT_ERROR_RATE / FAULT_LATENCY_MS / FAULT_CONCURRENCY_*: a deliberately bad release, so that
// analysis (error rate, latency) has something to catch in a demo. Registered on /v1 only: ops
// endpoints never lie. The concurrency fault slows a request only when more than `limit` /v1
// requests are in flight (itself included): a smoke test's one-at-a-time requests pass, a
// release under production load is slow — what post-promotion analysis exists to catch.
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceError } from '../domain/errors.ts';

export interface FaultSettings {
  readonly errorRate: number;
  readonly latencyMs: number;
  /** Slow a request down by `concurrencyLatencyMs` when more than this many are in flight; 0 = off. */
  readonly concurrencyLimit?: number;
  readonly concurrencyLatencyMs?: number;
  readonly random?: () => number;
}

/** Runs before a /v1 request; `onDone` registers what to do once its response is finished or abandoned. */
export type FaultInjector = (request: { onDone(listener: () => void): void }) => Promise<void>;

export function createFaultInjector(settings: FaultSettings): FaultInjector | undefined {
  const limit = settings.concurrencyLimit ?? 0;
  const concurrencyLatencyMs = limit > 0 ? (settings.concurrencyLatencyMs ?? 0) : 0;
  if (settings.errorRate <= 0 && settings.latencyMs <= 0 && concurrencyLatencyMs <= 0) return undefined;
  const random = settings.random ?? Math.random;
  let inFlight = 0;
  return async (request) => {
    inFlight++;
    request.onDone(() => inFlight--);
    if (concurrencyLatencyMs > 0 && inFlight > limit) await sleep(concurrencyLatencyMs);
    if (settings.latencyMs > 0) await sleep(settings.latencyMs);
    if (settings.errorRate > 0 && random() < settings.errorRate) {
      throw new ServiceError(
        500,
        'fault_injected',
        'Injected fault (FAULT_ERROR_RATE): this release is configured to fail a share of requests.',
      );
    }
  };
}
