// A measurement from a provider's result, as every upstream provider builds it: the value kept as
// text, the phase from successCondition/failureCondition (evaluate.EvaluateResult), an error as a
// measurement in phase Error with the message.
import { rfc3339 } from '../core/time.ts';
import { evaluateResult } from './expr/index.ts';
import type { Measurement, Metric } from './types.ts';

/** The value as upstream's providers store it: floats as Go prints them, vectors as "[a b]" → here JSON. */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

export function measurementFromResult(
  metric: Metric,
  result: unknown,
  startedAt: number,
  finishedAt: number,
): Measurement {
  const verdict = evaluateResult(result, metric);
  return {
    phase: verdict.phase,
    value: valueText(result),
    startedAt: rfc3339(new Date(startedAt)),
    finishedAt: rfc3339(new Date(finishedAt)),
    ...(verdict.message !== undefined ? { message: verdict.message } : {}),
  };
}

export function errorMeasurement(message: string, startedAt: number, finishedAt: number): Measurement {
  return {
    phase: 'Error',
    message,
    startedAt: rfc3339(new Date(startedAt)),
    finishedAt: rfc3339(new Date(finishedAt)),
  };
}
