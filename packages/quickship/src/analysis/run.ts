// The AnalysisRun state machine, pure, as Argo Rollouts' analysis controller runs it
// (analysis/analysis.go). One reconcile is two steps around the providers (the shell's I/O):
//   planAnalysisRun   — resolve args, validate, decide which measurements are due (generateMetricTasks)
//   recordMeasurements — count what was measured, assess every metric and the run, trim history,
//                        and say when to look again (runMeasurements' bookkeeping, assessRunStatus,
//                        garbageCollectMeasurements, calculateNextReconcileTime)
// Times are milliseconds since the epoch in, RFC 3339 (whole seconds, as metav1.Time) in the object.
import { rfc3339 } from '../core/time.ts';
import { resolveMetricArgs, resolveSecretArgs, withoutSecrets, type SecretLookup } from './args.ts';
import { parseGoDuration } from './duration.ts';
import {
  isCompleted,
  type AnalysisPhase,
  type AnalysisRun,
  type AnalysisRunStatus,
  type Measurement,
  type MeasurementRetention,
  type Metric,
  type MetricResult,
  type RunSummary,
} from './types.ts';
import { effectiveCount, intValue, metricsProblem } from './validate.ts';

/** DefaultMeasurementHistoryLimit: measurements kept per metric unless measurementRetention says otherwise. */
export const DEFAULT_MEASUREMENT_HISTORY_LIMIT = 10;
/** DefaultErrorRetryInterval: a measurement that errored is retried after this, whatever the interval. */
export const DEFAULT_ERROR_RETRY_INTERVAL_MS = 10_000;
/** DefaultConsecutiveErrorLimit. */
export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

export type MetricAction = 'run' | 'resume' | 'terminate';

/** One measurement to take now: the metric with every arg (secrets included) substituted. */
export interface MetricTask {
  readonly metric: Metric;
  readonly action: MetricAction;
  /** The in-flight measurement to resume or terminate. */
  readonly incompleteMeasurement?: Measurement;
}

/** What a provider gave back for one task. */
export interface TakenMeasurement {
  readonly metricName: string;
  readonly measurement: Measurement;
  /** Provider metadata for the metric result (GetMetadata), e.g. the job name. */
  readonly metadata?: Readonly<Record<string, string>>;
}

const time = (ms: number) => rfc3339(new Date(ms));
const ms = (text: string | undefined) => (text ? Date.parse(text) : NaN);

function withStatus(run: AnalysisRun, status: AnalysisRunStatus): AnalysisRun {
  return { ...run, status };
}

function errorRun(run: AnalysisRun, message: string, now: number): AnalysisRun {
  return withStatus(run, {
    ...run.status,
    metricResults: run.status?.metricResults ?? [],
    phase: 'Error',
    message,
    completedAt: run.status?.completedAt ?? time(now),
  });
}

/** Metrics with args resolved (secrets as a placeholder), and the dryRun/retention rules matched to them. */
interface Prepared {
  readonly metrics: readonly Metric[];
  readonly dryRun: ReadonlySet<string>;
  readonly retention: ReadonlyMap<string, MeasurementRetention>;
}

function matches(pattern: string, name: string): boolean {
  // Go's regexp.MatchString: unanchored; a pattern that does not compile matches nothing.
  try {
    return new RegExp(pattern).test(name);
  } catch {
    return false;
  }
}

function prepare(run: AnalysisRun): Prepared | string {
  let metrics: Metric[];
  try {
    metrics = run.spec.metrics.map((m) => resolveMetricArgs(m, withoutSecrets(run.spec.args ?? [])));
  } catch (error) {
    return `Unable to resolve metric arguments: ${(error as Error).message}`;
  }
  const problem = metricsProblem(metrics);
  if (problem) return `Analysis spec invalid: ${problem}`;
  const dryRun = new Set<string>();
  for (const [i, rule] of (run.spec.dryRun ?? []).entries()) {
    const hit = metrics.filter((m) => matches(rule.metricName, m.name));
    if (hit.length === 0) return `Analysis spec invalid: dryRun[${i}]: Rule didn't match any metric name(s)`;
    hit.forEach((m) => dryRun.add(m.name));
  }
  const retention = new Map<string, MeasurementRetention>();
  for (const [i, rule] of (run.spec.measurementRetention ?? []).entries()) {
    const hit = metrics.filter((m) => matches(rule.metricName, m.name));
    if (hit.length === 0) {
      return `Analysis spec invalid: measurementRetention[${i}]: Rule didn't match any metric name(s)`;
    }
    hit.forEach((m) => retention.set(m.name, rule));
  }
  return { metrics, dryRun, retention };
}

function resultOf(status: AnalysisRunStatus | undefined, name: string): MetricResult | undefined {
  return status?.metricResults?.find((r) => r.name === name);
}

function lastMeasurement(result: MetricResult | undefined): Measurement | undefined {
  return result?.measurements[result.measurements.length - 1];
}

/** IsTerminating: asked to stop, or a (non-dry-run) metric already Failed, Errored or was Inconclusive. */
export function isTerminating(run: AnalysisRun): boolean {
  if (run.spec.terminate) return true;
  return (run.status?.metricResults ?? []).some(
    (r) => !r.dryRun && (r.phase === 'Failed' || r.phase === 'Error' || r.phase === 'Inconclusive'),
  );
}

function intervalAfter(metric: Metric, last: Measurement): number | undefined {
  if (last.phase === 'Error') return DEFAULT_ERROR_RETRY_INTERVAL_MS;
  if (metric.interval) return parseGoDuration(metric.interval, 'interval');
  return undefined;
}

/** generateMetricTasks: which metrics to measure, resume or terminate at `now`. */
function metricTasks(
  run: AnalysisRun,
  metrics: readonly Metric[],
  now: number,
): { index: number; action: MetricAction; incomplete?: Measurement }[] {
  const tasks: { index: number; action: MetricAction; incomplete?: Measurement }[] = [];
  const terminating = isTerminating(run);
  metrics.forEach((metric, index) => {
    const result = resultOf(run.status, metric.name);
    if (result && isCompleted(result.phase)) return;
    const last = lastMeasurement(result);
    if (last && last.finishedAt === undefined) {
      if (!terminating && last.resumeAt !== undefined && ms(last.resumeAt) > now) return;
      tasks.push({ index, action: terminating ? 'terminate' : 'resume', incomplete: last });
      return;
    }
    if (terminating) return;
    if (!last) {
      if (metric.initialDelay) {
        const startedAt = run.status?.startedAt;
        if (startedAt === undefined) return;
        if (ms(startedAt) + parseGoDuration(metric.initialDelay, 'initialDelay') > now) return;
      }
      tasks.push({ index, action: 'run' });
      return;
    }
    const count = effectiveCount(metric);
    if (count !== undefined && (result?.count ?? 0) >= count) return;
    const interval = intervalAfter(metric, last) ?? DEFAULT_ERROR_RETRY_INTERVAL_MS;
    if (now > ms(last.finishedAt) + interval) tasks.push({ index, action: 'run' });
  });
  return tasks;
}

export interface Plan {
  /** The run, possibly completed with Error (bad args or spec); otherwise unchanged. */
  readonly run: AnalysisRun;
  readonly tasks: readonly MetricTask[];
  /** Secret values to redact from measurement messages. */
  readonly secrets: readonly string[];
}

/** The first half of a reconcile: which measurements are due at `now`. A completed run has none. */
export function planAnalysisRun(run: AnalysisRun, now: number, secrets: SecretLookup = () => undefined): Plan {
  if (isCompleted(run.status?.phase)) return { run, tasks: [], secrets: [] };
  const prepared = prepare(run);
  if (typeof prepared === 'string') return { run: errorRun(run, prepared, now), tasks: [], secrets: [] };
  const due = metricTasks(run, prepared.metrics, now);
  try {
    const resolved = resolveSecretArgs(run.spec.args ?? [], secrets);
    const tasks = due.map(({ index, action, incomplete }) => ({
      metric: resolveMetricArgs(run.spec.metrics[index] as Metric, resolved.args),
      action,
      ...(incomplete ? { incompleteMeasurement: incomplete } : {}),
    }));
    return { run, tasks, secrets: resolved.secrets };
  } catch (error) {
    return {
      run: errorRun(run, `Unable to resolve metric arguments: ${(error as Error).message}`, now),
      tasks: [],
      secrets: [],
    };
  }
}

function redact(message: string | undefined, secrets: readonly string[]): string | undefined {
  if (message === undefined) return undefined;
  return secrets.reduce((m, s) => (s === '' ? m : m.split(s).join('*****')), message);
}

/** runMeasurements' bookkeeping for one finished or in-flight measurement. */
function countMeasurement(
  result: MetricResult,
  measurement: Measurement,
  replaceLast: boolean,
  now: number,
  secrets: readonly string[],
): MetricResult {
  let m = measurement;
  const counts = {
    count: result.count ?? 0,
    successful: result.successful ?? 0,
    failed: result.failed ?? 0,
    inconclusive: result.inconclusive ?? 0,
    error: result.error ?? 0,
    consecutiveError: result.consecutiveError ?? 0,
    consecutiveSuccess: result.consecutiveSuccess ?? 0,
  };
  if (isCompleted(m.phase)) {
    if (m.finishedAt === undefined) m = { ...m, finishedAt: time(now) };
    switch (m.phase) {
      case 'Successful':
        Object.assign(counts, {
          successful: counts.successful + 1,
          count: counts.count + 1,
          consecutiveError: 0,
          consecutiveSuccess: counts.consecutiveSuccess + 1,
        });
        break;
      case 'Failed':
        Object.assign(counts, {
          failed: counts.failed + 1,
          count: counts.count + 1,
          consecutiveError: 0,
          consecutiveSuccess: 0,
        });
        break;
      case 'Inconclusive':
        Object.assign(counts, {
          inconclusive: counts.inconclusive + 1,
          count: counts.count + 1,
          consecutiveError: 0,
          consecutiveSuccess: 0,
        });
        break;
      case 'Error':
        // An error does not count towards `count`: the measurement is retried.
        Object.assign(counts, {
          error: counts.error + 1,
          consecutiveError: counts.consecutiveError + 1,
          consecutiveSuccess: 0,
        });
        break;
    }
  }
  const message = redact(m.message, secrets);
  if (message !== undefined) m = { ...m, message };
  const measurements = replaceLast ? [...result.measurements.slice(0, -1), m] : [...result.measurements, m];
  return { ...result, ...counts, measurements };
}

/** assessMetricFailureInconclusiveOrError. */
function failureInconclusiveOrError(metric: Metric, result: MetricResult): { phase?: AnalysisPhase; message?: string } {
  let out: { phase?: AnalysisPhase; message?: string } = {};
  const failureLimit = intValue(metric.failureLimit);
  const failed = result.failed ?? 0;
  if (failureLimit >= 0 && failed > failureLimit) {
    out = { phase: 'Failed', message: `failed (${failed}) > failureLimit (${failureLimit})` };
  }
  const inconclusiveLimit = intValue(metric.inconclusiveLimit);
  const inconclusive = result.inconclusive ?? 0;
  if (inconclusive > inconclusiveLimit) {
    out = {
      phase: 'Inconclusive',
      message: `inconclusive (${inconclusive}) > inconclusiveLimit (${inconclusiveLimit})`,
    };
  }
  const errorLimit =
    metric.consecutiveErrorLimit === undefined
      ? DEFAULT_CONSECUTIVE_ERROR_LIMIT
      : intValue(metric.consecutiveErrorLimit);
  const consecutive = result.consecutiveError ?? 0;
  if (consecutive > errorLimit) {
    out = { phase: 'Error', message: `consecutiveErrors (${consecutive}) > consecutiveErrorLimit (${errorLimit})` };
  }
  return out;
}

/** assessMetricStatus: a metric's phase from its measurements, limits and count. */
export function assessMetricStatus(metric: Metric, result: MetricResult, terminating: boolean): AnalysisPhase {
  if (isCompleted(result.phase)) return result.phase;
  if (result.measurements.length === 0) return terminating ? 'Successful' : 'Pending';
  const last = lastMeasurement(result) as Measurement;
  if (!isCompleted(last.phase)) return 'Running';
  const verdict = failureInconclusiveOrError(metric, result);
  if (verdict.phase) return verdict.phase;
  const successLimit = intValue(metric.consecutiveSuccessLimit);
  if (successLimit > 0 && (result.consecutiveSuccess ?? 0) >= successLimit) return 'Successful';
  const count = effectiveCount(metric);
  if (count !== undefined && (result.count ?? 0) >= count) {
    const failureApplicable = metric.failureLimit === undefined || intValue(metric.failureLimit) >= 0;
    const successApplicable = successLimit > 0;
    if (failureApplicable && successApplicable) return 'Inconclusive';
    if (successApplicable) return 'Failed';
    return 'Successful';
  }
  return terminating ? 'Successful' : 'Running';
}

const PHASE_ORDER: readonly AnalysisPhase[] = ['Successful', 'Running', 'Pending', 'Inconclusive', 'Error', 'Failed'];
const isWorse = (current: AnalysisPhase, next: AnalysisPhase) =>
  PHASE_ORDER.indexOf(next) > PHASE_ORDER.indexOf(current);

const emptySummary = (): { -readonly [K in keyof RunSummary]: RunSummary[K] } => ({
  count: 0,
  successful: 0,
  failed: 0,
  inconclusive: 0,
  error: 0,
});

function tally(summary: ReturnType<typeof emptySummary>, phase: AnalysisPhase | undefined): void {
  if (phase === 'Error') summary.error++;
  else if (phase === 'Failed') summary.failed++;
  else if (phase === 'Inconclusive') summary.inconclusive++;
  else summary.successful++;
}

/** assessRunStatus: every metric's phase, then the run's: the worst completed one, once all completed. */
function assessRun(
  run: AnalysisRun,
  prepared: Prepared,
  now: number,
): {
  results: MetricResult[];
  phase: AnalysisPhase;
  message: string;
  runSummary: RunSummary;
  dryRunSummary: RunSummary;
} {
  const terminating = isTerminating(run);
  const results = [...(run.status?.metricResults ?? [])];
  let worst: AnalysisPhase | undefined;
  let worstMessage = run.spec.terminate ? 'Run Terminated' : '';
  let everythingCompleted = true;
  const runSummary = emptySummary();
  const dryRunSummary = emptySummary();
  void now;
  for (const metric of prepared.metrics) {
    const dry = prepared.dryRun.has(metric.name);
    if (dry) dryRunSummary.count++;
    else runSummary.count++;
    const i = results.findIndex((r) => r.name === metric.name);
    if (i < 0) {
      everythingCompleted = false;
      continue;
    }
    let result = results[i] as MetricResult;
    const phase = assessMetricStatus(metric, result, terminating);
    if (result.phase !== phase) {
      const last = lastMeasurement(result);
      result = { ...result, phase, ...(last?.message !== undefined ? { message: last.message } : {}) };
      results[i] = result;
    }
    if (!isCompleted(phase)) {
      everythingCompleted = false;
      continue;
    }
    const verdict = failureInconclusiveOrError(metric, result);
    if (!dry) {
      if (worst === undefined || isWorse(worst, phase)) {
        worst = phase;
        if (verdict.message) {
          worstMessage = `Metric "${metric.name}" assessed ${phase} due to ${verdict.message}`;
          if (result.message) worstMessage += `: "Error Message: ${result.message}"`;
        }
      }
      tally(runSummary, verdict.phase);
    } else {
      worst ??= 'Successful';
      if (verdict.message) {
        results[i] = { ...result, message: `Metric assessed ${phase} due to ${verdict.message}` };
      }
      tally(dryRunSummary, verdict.phase);
    }
  }
  worstMessage = worstMessage.trim();
  let phase: AnalysisPhase;
  let message = worstMessage;
  if (terminating) phase = worst ?? 'Successful';
  else if (!everythingCompleted || worst === undefined) [phase, message] = ['Running', ''];
  else phase = worst;
  return { results, phase, message, runSummary, dryRunSummary };
}

/** calculateNextReconcileTime: the earliest moment a metric needs another look, if any. */
export function nextReconcileAt(run: AnalysisRun, metrics: readonly Metric[], now: number): number | undefined {
  let at: number | undefined;
  const earliest = (t: number) => {
    if (at === undefined || t < at) at = t;
  };
  for (const metric of metrics) {
    const result = resultOf(run.status, metric.name);
    if (result && isCompleted(result.phase)) continue;
    const last = lastMeasurement(result);
    if (!last) {
      if (metric.initialDelay) {
        const start = run.status?.startedAt ? ms(run.status.startedAt) : now;
        earliest(start + parseGoDuration(metric.initialDelay, 'initialDelay'));
      }
      continue;
    }
    if (last.finishedAt === undefined) {
      if (last.resumeAt !== undefined) earliest(ms(last.resumeAt));
      continue;
    }
    const count = effectiveCount(metric);
    if (count !== undefined && (result?.count ?? 0) >= count) continue;
    const interval = intervalAfter(metric, last);
    if (interval === undefined) continue;
    earliest(ms(last.finishedAt) + interval);
  }
  return at;
}

export interface Recorded {
  readonly run: AnalysisRun;
  /** When to reconcile again (ms since the epoch); undefined when nothing is pending. */
  readonly requeueAt?: number;
}

/** The second half of a reconcile: what the providers measured, assessed. */
export function recordMeasurements(
  run: AnalysisRun,
  taken: readonly TakenMeasurement[],
  now: number,
  secrets: readonly string[] = [],
): Recorded {
  if (isCompleted(run.status?.phase)) return { run };
  const prepared = prepare(run);
  if (typeof prepared === 'string') return { run: errorRun(run, prepared, now) };
  const results = [...(run.status?.metricResults ?? [])];
  for (const { metricName, measurement, metadata } of taken) {
    const i = results.findIndex((r) => r.name === metricName);
    const existing: MetricResult = results[i] ?? {
      name: metricName,
      phase: 'Running',
      measurements: [],
      ...(prepared.dryRun.has(metricName) ? { dryRun: true } : {}),
      ...(metadata ? { metadata } : {}),
    };
    const last = lastMeasurement(existing);
    const replaceLast = last !== undefined && last.finishedAt === undefined;
    const next = countMeasurement(existing, measurement, replaceLast, now, secrets);
    if (i < 0) results.push(next);
    else results[i] = next;
  }
  let status: AnalysisRunStatus = {
    ...run.status,
    metricResults: results,
    startedAt: run.status?.startedAt ?? time(now),
  };
  const assessed = assessRun(withStatus(run, status), prepared, now);
  const changed = assessed.phase !== run.status?.phase;
  status = {
    ...status,
    metricResults: assessed.results.map((r) => trim(r, prepared.retention)),
    runSummary: assessed.runSummary,
    dryRunSummary: assessed.dryRunSummary,
    ...(changed ? { phase: assessed.phase, message: assessed.message } : {}),
    ...(changed && isCompleted(assessed.phase) && !status.completedAt ? { completedAt: time(now) } : {}),
  };
  if (status.message === '') {
    const { message: _drop, ...rest } = status;
    status = rest;
  }
  const next = withStatus(run, status);
  // Upstream computes `terminating` before this reconcile's verdicts, so a metric that just failed
  // ends the run on the next reconcile, which the status update's watch event triggers at once.
  const requeueAt = isCompleted(status.phase)
    ? undefined
    : isTerminating(next)
      ? now
      : nextReconcileAt(next, prepared.metrics, now);
  return requeueAt === undefined ? { run: next } : { run: next, requeueAt };
}

/** garbageCollectMeasurements: keep the newest `limit` measurements per metric. */
function trim(result: MetricResult, retention: ReadonlyMap<string, MeasurementRetention>): MetricResult {
  const rule = retention.get(result.name);
  const limit = rule && rule.limit > 0 ? rule.limit : DEFAULT_MEASUREMENT_HISTORY_LIMIT;
  if (result.measurements.length <= limit) return result;
  return { ...result, measurements: result.measurements.slice(result.measurements.length - limit) };
}
