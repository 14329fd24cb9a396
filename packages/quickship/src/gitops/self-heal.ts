// Argo CD's self-heal back-off (application controller flags --self-heal-backoff-timeout-seconds 2,
// --self-heal-backoff-factor 3, --self-heal-backoff-cap-seconds 300): the first heal of an app
// runs at once; each further heal waits 2 s × 3ⁿ, capped at 300 s, where n counts the heals
// since the app last stayed Synced. Sync retry back-off (syncPolicy.retry.backoff) has the same
// shape: duration × factorⁿ capped at maxDuration. Pure.
export interface Backoff {
  readonly durationMs: number;
  readonly factor: number;
  readonly maxDurationMs: number;
}

export const SELF_HEAL_BACKOFF: Backoff = { durationMs: 2_000, factor: 3, maxDurationMs: 300_000 };

/** Delay before attempt number `attempt` (0 = the first heal, at once). */
export function selfHealDelayMs(attempt: number, backoff: Backoff = SELF_HEAL_BACKOFF): number {
  if (attempt <= 0) return 0;
  return Math.min(backoff.maxDurationMs, backoff.durationMs * backoff.factor ** (attempt - 1));
}

/** Delay before retry number `retry` (1 = the first retry) of a failed sync. */
export function retryDelayMs(retry: number, backoff: Backoff): number {
  return Math.min(backoff.maxDurationMs, backoff.durationMs * backoff.factor ** Math.max(0, retry - 1));
}
