// The web provider (metricproviders/webmetric): method (GET default; body only with POST/PUT),
// headers, body or jsonBody, `timeoutSeconds` (default 10), non-2xx an Error, a JSON body read at
// `jsonPath` (default `{$}`), a body that is not JSON handed to the conditions as a string.
// Cluster DNS names in the URL are mapped to loopback ports by the caller's `mapUrl`.
import { errorMeasurement, measurementFromResult } from '../measurement.ts';
import type { Measurement, Metric } from '../types.ts';
import { findJsonPath } from './jsonpath.ts';

export interface WebMetric {
  readonly url: string;
  readonly method?: 'GET' | 'POST' | 'PUT';
  readonly headers?: readonly { readonly key: string; readonly value: string }[];
  readonly body?: string;
  readonly jsonBody?: unknown;
  readonly timeoutSeconds?: number;
  readonly jsonPath?: string;
}

export interface WebProviderOptions {
  readonly mapUrl?: (url: string) => string;
  readonly now?: () => number;
}

export async function measureWeb(metric: Metric, options: WebProviderOptions = {}): Promise<Measurement> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const spec = metric.provider['web'] as WebMetric;
  const fail = (message: string) => errorMeasurement(message, startedAt, now());
  const method = spec.method ?? 'GET';
  if (spec.body && spec.jsonBody !== undefined) {
    return fail('use either Body or JSONBody; both cannot exists for WebMetric payload');
  }
  if ((spec.body || spec.jsonBody !== undefined) && method === 'GET') {
    return fail('Body/JSONBody can only be used with POST or PUT WebMetric Method types');
  }
  const headers = new Headers();
  for (const h of spec.headers ?? []) headers.set(h.key, h.value);
  if (spec.jsonBody !== undefined) headers.set('Content-Type', 'application/json');
  const timeout = (spec.timeoutSeconds ?? 0) > 0 ? (spec.timeoutSeconds as number) : 10;
  const url = options.mapUrl ? options.mapUrl(spec.url) : spec.url;
  let status: number;
  let text: string;
  try {
    const res = await fetch(url, {
      method,
      headers,
      ...(spec.body ? { body: spec.body } : spec.jsonBody !== undefined ? { body: JSON.stringify(spec.jsonBody) } : {}),
      signal: AbortSignal.timeout(timeout * 1000),
    });
    status = res.status;
    text = await res.text();
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `context deadline exceeded (Client.Timeout exceeded while awaiting headers) after ${timeout}s`
        : (((error as Error).cause as Error | undefined)?.message ?? (error as Error).message);
    return fail(`${method} "${url}": ${reason}`);
  }
  if (status < 200 || status >= 300) return fail(`received non 2xx response code: ${status}`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return measurementFromResult(metric, text, text, startedAt, now());
  }
  let value: unknown;
  try {
    value = findJsonPath(data, spec.jsonPath ?? '{$}');
  } catch (error) {
    return fail(`Could not find JSONPath in body: ${(error as Error).message}`);
  }
  if (value === undefined) return fail('result of jsonPath not found');
  return measurementFromResult(metric, value, JSON.stringify(value), startedAt, now());
}
