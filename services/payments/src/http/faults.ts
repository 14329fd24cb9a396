// FAULT_ERROR_RATE / FAULT_LATENCY_MS: a deliberately bad release, so that analysis (error rate,
// latency) has something to catch in a demo. Registered on /v1 only: ops endpoints never lie.
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceError } from '../domain/errors.ts';

export interface FaultSettings {
  readonly errorRate: number;
  readonly latencyMs: number;
  readonly random?: () => number;
}

export function createFaultInjector(settings: FaultSettings): (() => Promise<void>) | undefined {
  if (settings.errorRate <= 0 && settings.latencyMs <= 0) return undefined;
  const random = settings.random ?? Math.random;
  return async () => {
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
