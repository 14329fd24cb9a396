// Removes idempotency keys past their retention (Stripe keeps them at least 24 hours), every
// few minutes, in batches. Any instance may sweep; deleting twice is harmless.
import type pg from 'pg';
import { sweepExpiredKeys } from '../store/idempotency-keys.ts';

export const KEY_RETENTION_SECONDS = 24 * 60 * 60;

export interface KeySweeper {
  stop(): void;
}

export function startKeySweeper(options: {
  readonly pool: pg.Pool;
  readonly intervalMs?: number;
  readonly retentionSeconds?: number;
  readonly onSwept?: (count: number) => void;
  readonly onError?: (error: Error) => void;
}): KeySweeper {
  const retention = options.retentionSeconds ?? KEY_RETENTION_SECONDS;
  let running = false;
  const timer = setInterval(
    () => {
      if (running) return;
      running = true;
      sweepExpiredKeys(options.pool, retention)
        .then(
          (count) => options.onSwept?.(count),
          (error: Error) => options.onError?.(error),
        )
        .finally(() => (running = false));
    },
    options.intervalMs ?? 10 * 60_000,
  );
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
