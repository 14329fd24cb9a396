import { describe, expect, it } from 'vitest';
import { retryDelayMs, selfHealDelayMs } from './self-heal.ts';

describe("Argo CD's back-offs", () => {
  it('self-heal: the first heal at once, then 2 s × 3ⁿ⁻¹ capped at 300 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 9].map((n) => selfHealDelayMs(n))).toEqual([
      0, 2_000, 6_000, 18_000, 54_000, 162_000, 300_000, 300_000,
    ]);
  });
  it('sync retry: duration × factorⁿ⁻¹ capped at maxDuration (deploy/: 10 s, ×2, 5 m)', () => {
    const backoff = { durationMs: 10_000, factor: 2, maxDurationMs: 300_000 };
    expect([1, 2, 3, 5, 6, 10].map((n) => retryDelayMs(n, backoff))).toEqual([
      10_000, 20_000, 40_000, 160_000, 300_000, 300_000,
    ]);
  });
});
