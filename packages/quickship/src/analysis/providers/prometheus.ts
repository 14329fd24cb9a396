// The prometheus provider (metricproviders/prometheus): an instant query at the measurement time,
// the template's cluster address mapped to the local Prometheus, `timeout` seconds (default 30),
// vector and matrix results as []float64 (`[0.1,0.2]` as value), scalars as float64, any other
// result type an Error, warnings kept as metadata.
import { errorMeasurement, goFloat, measurementFromResult } from '../measurement.ts';
import type { Measurement, Metric } from '../types.ts';

export interface PrometheusMetric {
  readonly address?: string;
  readonly query: string;
  /** Seconds; upstream's default is 30. */
  readonly timeout?: number;
}

export interface PrometheusProviderOptions {
  /** The local Prometheus the template's address maps to, e.g. "http://127.0.0.1:9091". */
  readonly localUrl: string;
  readonly now?: () => number;
}

interface QueryResponse {
  readonly status: 'success' | 'error';
  readonly errorType?: string;
  readonly error?: string;
  readonly warnings?: readonly string[];
  readonly data?: { readonly resultType: string; readonly result: unknown };
}

type Sample = readonly [number, string];

/** model.SampleValue as Prometheus encodes it ("NaN", "+Inf", "0.25"). */
function sampleValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

function toResult(data: NonNullable<QueryResponse['data']>): { result: unknown; value: string } | string {
  switch (data.resultType) {
    case 'scalar': {
      const v = sampleValue((data.result as Sample)[1]);
      return { result: v, value: goFloat(v) };
    }
    case 'vector': {
      const values = (data.result as { value: Sample }[]).map((s) => sampleValue(s.value[1]));
      return { result: values, value: `[${values.map(goFloat).join(',')}]` };
    }
    case 'matrix': {
      const values = (data.result as { values: Sample[] }[]).flatMap((s) => s.values.map((v) => sampleValue(v[1])));
      return { result: values, value: `[${values.map(goFloat).join(',')}]` };
    }
    default:
      return 'Prometheus metric type not supported';
  }
}

export async function measurePrometheus(metric: Metric, options: PrometheusProviderOptions): Promise<Measurement> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const spec = metric.provider['prometheus'] as PrometheusMetric;
  const timeoutSeconds = spec.timeout ?? 30;
  if (timeoutSeconds < 0) return errorMeasurement('prometheus timeout should not be negative', startedAt, now());
  const body = new URLSearchParams({ query: spec.query, time: String(startedAt / 1000) });
  let response: QueryResponse;
  try {
    const res = await fetch(new URL('/api/v1/query', options.localUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    });
    const text = await res.text();
    try {
      response = JSON.parse(text) as QueryResponse;
    } catch {
      return errorMeasurement(`server returned HTTP status ${res.status} ${res.statusText}`, startedAt, now());
    }
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `context deadline exceeded after ${timeoutSeconds}s`
        : (error as Error).message;
    return errorMeasurement(`Post "${options.localUrl}/api/v1/query": ${reason}`, startedAt, now());
  }
  if (response.status !== 'success' || !response.data) {
    return errorMeasurement(`${response.errorType ?? 'error'}: ${response.error ?? 'unknown error'}`, startedAt, now());
  }
  const parsed = toResult(response.data);
  if (typeof parsed === 'string') return errorMeasurement(parsed, startedAt, now());
  const measurement = measurementFromResult(metric, parsed.result, parsed.value, startedAt, now());
  const warnings = response.warnings ?? [];
  return warnings.length > 0
    ? { ...measurement, metadata: { warnings: warnings.map((w) => `"${w}"`).join(', ') } }
    : measurement;
}
