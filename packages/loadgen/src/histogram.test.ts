import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './histogram.ts';

describe('LatencyHistogram', () => {
  it('reports exact percentiles for small values and min/mean/max', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 100; i += 1) h.record(i / 1000); // 1..100 µs, all in exact buckets
    const s = h.summary();
    expect(s.count).toBe(100);
    expect(s.p50Ms).toBe(0.05);
    expect(s.p90Ms).toBe(0.09);
    expect(s.p99Ms).toBe(0.099);
    expect(s.maxMs).toBe(0.1);
    expect(s.minMs).toBe(0.001);
    expect(s.meanMs).toBeCloseTo(0.0505, 6);
  });

  it('is empty-safe', () => {
    expect(new LatencyHistogram().summary()).toMatchObject({ count: 0, p50Ms: 0, p99Ms: 0, maxMs: 0, minMs: 0 });
  });

  it('stays within 1/64 relative error of the true percentile and never exceeds max', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 60_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, p) => {
          const h = new LatencyHistogram();
          for (const v of values) h.record(v);
          const sorted = values.map((v) => Math.round(v * 1000)).sort((a, b) => a - b);
          const exact = sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]! / 1000;
          const got = h.percentile(p);
          expect(got).toBeGreaterThanOrEqual(exact - 1e-9);
          expect(got).toBeLessThanOrEqual(exact * (1 + 1 / 64) + 0.001);
          expect(got).toBeLessThanOrEqual(h.summary().maxMs);
        },
      ),
    );
  });

  it('handles values just below a power of two and merges', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.record((2 ** 30 - 1) / 1000);
    b.record(5);
    b.record(7);
    a.merge(b);
    expect(a.count).toBe(3);
    expect(a.percentile(100)).toBe((2 ** 30 - 1) / 1000);
    expect(a.percentile(34)).toBeGreaterThanOrEqual(7);
    expect(a.percentile(34)).toBeLessThan(7.2);
  });
});
