// upstream ValidateMetrics / ValidateMetric (utils/analysis/factory.go): limits, count against
// limits, interval required when count > 1, durations parse, exactly one provider.
import { parseGoDuration } from './duration.ts';
import type { IntOrString, Metric } from './types.ts';

/** intstr.IntOrString.IntValue(): a number, or a string's integer (0 when it is not one). */
export function intValue(value: IntOrString | undefined, fallback = 0): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return Math.trunc(value);
  return /^[+-]?\d+$/.test(value.trim()) ? Number.parseInt(value, 10) : 0;
}

/** Metric.EffectiveCount: an unset or zero count means once without an interval, forever with one. */
export function effectiveCount(metric: Metric): number | undefined {
  const count = intValue(metric.count);
  if (metric.count === undefined || count === 0) return metric.interval ? undefined : 1;
  return count;
}

/** The reason a metric is invalid, or undefined. */
export function metricProblem(metric: Metric): string | undefined {
  const count = intValue(metric.count);
  const failureLimit = intValue(metric.failureLimit);
  const consecutiveSuccessLimit = intValue(metric.consecutiveSuccessLimit);
  const inconclusiveLimit = intValue(metric.inconclusiveLimit);
  if (consecutiveSuccessLimit < 0) return 'consecutiveSuccessLimit must be >= 0';
  if (failureLimit < -1) return 'failureLimit must be >= 0, or -1 to be disabled';
  if (consecutiveSuccessLimit === 0 && failureLimit === -1) {
    return 'failureLimit and consecutiveSuccessLimit cannot both be disabled';
  }
  if (inconclusiveLimit < 0) return 'inconclusiveLimit must be >= 0';
  if (metric.consecutiveErrorLimit !== undefined && intValue(metric.consecutiveErrorLimit) < 0) {
    return 'consecutiveErrorLimit must be >= 0';
  }
  if (count > 0) {
    if (failureLimit >= 0 && count < failureLimit + consecutiveSuccessLimit) {
      return `count (${count}) must be >= failureLimit + consecutiveSuccessLimit (${failureLimit} + ${consecutiveSuccessLimit}) if both >= 0`;
    }
    if (failureLimit < 0 && count < consecutiveSuccessLimit) return 'count must be >= consecutiveSuccessLimit';
    if (count < inconclusiveLimit) return 'count must be >= inconclusiveLimit';
  }
  if (count > 1 && !metric.interval) return 'interval must be specified when count > 1';
  try {
    if (metric.interval) parseGoDuration(metric.interval, 'interval');
  } catch (error) {
    return `invalid interval string: ${(error as Error).message}`;
  }
  try {
    if (metric.initialDelay) parseGoDuration(metric.initialDelay, 'initialDelay');
  } catch (error) {
    return `invalid startDelay string: ${(error as Error).message}`;
  }
  const providers = Object.keys(metric.provider ?? {});
  if (providers.length === 0) return 'no provider specified';
  if (providers.length > 1) return 'multiple providers specified';
  return undefined;
}

/** ValidateMetrics: at least one, unique names, each valid; the message is upstream's. */
export function metricsProblem(metrics: readonly Metric[]): string | undefined {
  if (metrics.length === 0) return 'no metrics specified';
  const names = new Set<string>();
  for (const [i, metric] of metrics.entries()) {
    if (names.has(metric.name)) return `metrics[${i}]: duplicate name '${metric.name}'`;
    names.add(metric.name);
    const problem = metricProblem(metric);
    if (problem) return `metrics[${i}]: ${problem}`;
  }
  return undefined;
}
