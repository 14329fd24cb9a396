// A measurement from a provider's result, as every upstream provider builds it: the value kept as
// the text upstream stores, the phase from successCondition/failureCondition (evaluate.EvaluateResult), an error as a
// measurement in phase Error with the message.
import { rfc3339 } from '../core/time.ts';
import { evaluateResult } from './expr/index.ts';
import type { Measurement, Metric } from './types.ts';

/** strconv.FormatFloat(f, 'f', -1, 64), as model.SampleValue prints: no exponent, "NaN", "+Inf". */
export function goFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const text = String(f);
  if (!text.includes('e')) return text;
  const [mantissa = '', exp = '0'] = text.split('e');
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const point =
    (mantissa.replace('-', '').indexOf('.') < 0
      ? mantissa.replace('-', '').length
      : mantissa.replace('-', '').indexOf('.')) + Number(exp);
  const body =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${body}` : body;
}

/** A measurement from a provider's result: `value` is the text upstream stores, the phase from the conditions. */
export function measurementFromResult(
  metric: Metric,
  result: unknown,
  value: string,
  startedAt: number,
  finishedAt: number,
): Measurement {
  const verdict = evaluateResult(result, metric);
  return {
    phase: verdict.phase,
    value,
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
