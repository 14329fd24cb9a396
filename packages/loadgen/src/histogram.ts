// A latency histogram in the manner of HdrHistogram: log-linear buckets with 7 significant bits
// (relative error < 1/64 ≈ 1.6 %), fixed memory whatever the run length, mergeable across runs.
// Values are recorded in microseconds; summaries are reported in milliseconds.

const SUB_BITS = 7;
const SUB_COUNT = 1 << SUB_BITS; // 128 exact buckets for 0..127 µs
const HALF = SUB_COUNT >> 1; // 64 buckets per further power of two
const MAX_EXPONENT = 40; // 2^46 µs ≈ 2.2 years: anything longer is clamped

export interface LatencySummary {
  /** Number of recorded values. */
  readonly count: number;
  readonly minMs: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

function bucketOf(us: number): number {
  if (us < SUB_COUNT) return us;
  let magnitude = Math.floor(Math.log2(us));
  if (2 ** magnitude > us) magnitude -= 1; // log2 rounds up just below a power of two
  const exponent = Math.min(MAX_EXPONENT, magnitude - (SUB_BITS - 1));
  const sub = Math.min(SUB_COUNT - 1, Math.floor(us / 2 ** exponent)); // in [64, 127]
  return SUB_COUNT + (exponent - 1) * HALF + (sub - HALF);
}

/** The highest value that falls into a bucket, as HdrHistogram's "highest equivalent value". */
function bucketHigh(index: number): number {
  if (index < SUB_COUNT) return index;
  const exponent = Math.floor((index - SUB_COUNT) / HALF) + 1;
  const sub = ((index - SUB_COUNT) % HALF) + HALF;
  return (sub + 1) * 2 ** exponent - 1;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(SUB_COUNT + MAX_EXPONENT * HALF);
  private total = 0;
  private sumUs = 0;
  private minUs = Number.POSITIVE_INFINITY;
  private maxUs = 0;

  /** Records one latency in milliseconds (fractions allowed; negative values count as 0). */
  record(ms: number): void {
    const us = Math.max(0, Math.round(ms * 1000));
    this.counts[bucketOf(us)]! += 1;
    this.total += 1;
    this.sumUs += us;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
  }

  get count(): number {
    return this.total;
  }

  /** The value at percentile p (0..100) in ms: the smallest bucket holding ≥ p % of values, capped at max. */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i += 1) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(bucketHigh(i), this.maxUs) / 1000;
    }
    return this.maxUs / 1000;
  }

  /** Adds another histogram's values to this one. */
  merge(other: LatencyHistogram): void {
    for (let i = 0; i < this.counts.length; i += 1) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    this.sumUs += other.sumUs;
    this.minUs = Math.min(this.minUs, other.minUs);
    this.maxUs = Math.max(this.maxUs, other.maxUs);
  }

  summary(): LatencySummary {
    const empty = this.total === 0;
    return {
      count: this.total,
      minMs: empty ? 0 : this.minUs / 1000,
      meanMs: empty ? 0 : this.sumUs / this.total / 1000,
      p50Ms: this.percentile(50),
      p90Ms: this.percentile(90),
      p99Ms: this.percentile(99),
      p999Ms: this.percentile(99.9),
      maxMs: empty ? 0 : this.maxUs / 1000,
    };
  }
}
