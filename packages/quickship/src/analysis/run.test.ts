// The AnalysisRun state machine against the behaviour upstream's analysis_test.go specifies
// (../shared/corpus/argo-rollouts/analysis/spec/analysis_analysis_test.go, read as a spec).
// Measurements are the pure functions' input here; providers are tested in providers/.
import { describe, expect, it } from 'vitest';
import { planAnalysisRun, recordMeasurements, type TakenMeasurement } from './run.ts';
import type { AnalysisPhase, AnalysisRun, Measurement, Metric } from './types.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const s = (seconds: number) => T0 + seconds * 1000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function metric(extra: Partial<Metric> = {}): Metric {
  return { name: 'm', provider: { prometheus: { address: 'http://p', query: 'up' } }, ...extra };
}

function run(metrics: Metric[], spec: Partial<AnalysisRun['spec']> = {}): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'r' },
    spec: { metrics, ...spec },
  };
}

function taken(name: string, phase: AnalysisPhase, at: number, extra: Partial<Measurement> = {}): TakenMeasurement {
  return { metricName: name, measurement: { phase, startedAt: iso(at), finishedAt: iso(at), ...extra } };
}

/** Reconciles at `at`, answering every due task with `phase`. */
function step(r: AnalysisRun, at: number, phase: AnalysisPhase | ((name: string) => AnalysisPhase), message?: string) {
  const plan = planAnalysisRun(r, at);
  const answers = plan.tasks.map((t) =>
    taken(t.metric.name, typeof phase === 'function' ? phase(t.metric.name) : phase, at, message ? { message } : {}),
  );
  const recorded = recordMeasurements(plan.run, answers, at, plan.secrets);
  return { ...recorded, measured: plan.tasks.map((t) => t.metric.name) };
}

describe('measurement schedule (generateMetricTasks, calculateNextReconcileTime)', () => {
  it('measures at once, then every interval after the last finish; requeues at that moment', () => {
    let r = run([metric({ interval: '30s', count: 3 })]);
    let out = step(r, s(0), 'Successful');
    expect(out.measured).toEqual(['m']);
    expect(out.requeueAt).toBe(s(30));
    r = out.run;
    expect(planAnalysisRun(r, s(29)).tasks).toEqual([]);
    expect(planAnalysisRun(r, s(30)).tasks).toEqual([]); // upstream: now.After(finishedAt + interval)
    out = step(r, s(31), 'Successful');
    expect(out.measured).toEqual(['m']);
    expect(out.requeueAt).toBe(s(61));
  });

  it('with neither interval nor count a metric is measured once', () => {
    const out = step(run([metric()]), s(0), 'Successful');
    expect(out.run.status?.phase).toBe('Successful');
    expect(out.requeueAt).toBeUndefined();
    expect(planAnalysisRun(out.run, s(100)).tasks).toEqual([]);
  });

  it('honours initialDelay from the run start', () => {
    const first = step(run([metric({ initialDelay: '20s', interval: '10s', count: 2 })]), s(0), 'Successful');
    expect(first.measured).toEqual([]);
    expect(first.run.status?.startedAt).toBe(iso(s(0)));
    expect(first.run.status?.phase).toBe('Running');
    expect(first.requeueAt).toBe(s(20));
    expect(planAnalysisRun(first.run, s(19)).tasks).toEqual([]);
    expect(step(first.run, s(20), 'Successful').measured).toEqual(['m']);
  });

  it('an error is retried after 10 s whatever the interval, and does not count towards count', () => {
    const out = step(run([metric({ interval: '5m', count: 2 })]), s(0), 'Error', 'connection refused');
    expect(out.requeueAt).toBe(s(10));
    expect(out.run.status?.metricResults?.[0]).toMatchObject({ count: 0, error: 1, consecutiveError: 1 });
  });

  it('an in-flight measurement is resumed at resumeAt, not before', () => {
    const r = recordMeasurements(
      run([metric({ provider: { job: {} } })]),
      [{ metricName: 'm', measurement: { phase: 'Running', startedAt: iso(s(0)), resumeAt: iso(s(5)) } }],
      s(0),
    );
    expect(r.requeueAt).toBe(s(5));
    expect(planAnalysisRun(r.run, s(4)).tasks).toEqual([]);
    expect(planAnalysisRun(r.run, s(5)).tasks).toMatchObject([{ action: 'resume' }]);
  });
});

describe('limits (assessMetricStatus)', () => {
  it('count reached with no failure: Successful, completedAt set', () => {
    let r = run([metric({ interval: '1s', count: 2 })]);
    r = step(r, s(0), 'Successful').run;
    expect(r.status?.phase).toBe('Running');
    r = step(r, s(2), 'Successful').run;
    expect(r.status).toMatchObject({ phase: 'Successful', completedAt: iso(s(2)) });
    expect(r.status?.metricResults?.[0]).toMatchObject({ phase: 'Successful', count: 2, successful: 2 });
    expect(r.status?.runSummary).toEqual({ count: 1, successful: 1, failed: 0, inconclusive: 0, error: 0 });
  });

  it('failureLimit 0 fails at the first failure; failureLimit 1 at the second', () => {
    const strict = step(run([metric({ interval: '1s', count: 4, failureLimit: 0 })]), s(0), 'Failed');
    expect(strict.run.status).toMatchObject({
      phase: 'Failed',
      message: 'Metric "m" assessed Failed due to failed (1) > failureLimit (0)',
    });
    let r = step(run([metric({ interval: '1s', count: 4, failureLimit: 1 })]), s(0), 'Failed').run;
    expect(r.status?.phase).toBe('Running');
    r = step(r, s(2), 'Failed').run;
    expect(r.status?.phase).toBe('Failed');
  });

  it('a failure under failureLimit still ends Successful at count', () => {
    let r = run([metric({ interval: '1s', count: 2, failureLimit: 1 })]);
    r = step(r, s(0), 'Failed').run;
    r = step(r, s(2), 'Successful').run;
    expect(r.status?.phase).toBe('Successful');
  });

  it('inconclusiveLimit: the run is Inconclusive past it', () => {
    let r = run([metric({ interval: '1s', count: 4, inconclusiveLimit: 1 })]);
    r = step(r, s(0), 'Inconclusive').run;
    expect(r.status?.phase).toBe('Running');
    r = step(r, s(2), 'Inconclusive').run;
    expect(r.status).toMatchObject({
      phase: 'Inconclusive',
      message: 'Metric "m" assessed Inconclusive due to inconclusive (2) > inconclusiveLimit (0)'.replace('(0)', '(1)'),
    });
  });

  it('consecutiveErrorLimit defaults to 4: the fifth error in a row is Error; a success resets the streak', () => {
    let r = run([metric({ interval: '1s', count: 10 })]);
    for (let i = 0; i < 4; i++) r = step(r, s(i * 11), 'Error', 'timeout').run;
    expect(r.status?.phase).toBe('Running');
    const reset = step(r, s(44), 'Successful').run;
    expect(reset.status?.metricResults?.[0]?.consecutiveError).toBe(0);
    r = step(r, s(44), 'Error', 'timeout').run;
    expect(r.status).toMatchObject({
      phase: 'Error',
      message:
        'Metric "m" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): "Error Message: timeout"',
    });
  });

  it('consecutiveErrorLimit 0 errors at the first error', () => {
    const out = step(run([metric({ interval: '1s', count: 3, consecutiveErrorLimit: 0 })]), s(0), 'Error', 'x');
    expect(out.run.status?.phase).toBe('Error');
  });

  it('consecutiveSuccessLimit: reached is Successful; not reached at count is Inconclusive with a failureLimit', () => {
    let r = run([metric({ interval: '1s', count: 3, consecutiveSuccessLimit: 2, failureLimit: 1 })]);
    r = step(r, s(0), 'Successful').run;
    r = step(r, s(2), 'Successful').run;
    expect(r.status?.phase).toBe('Successful');
    let q = run([metric({ interval: '1s', count: 3, consecutiveSuccessLimit: 2, failureLimit: 1 })]);
    q = step(q, s(0), 'Successful').run;
    q = step(q, s(2), 'Failed').run;
    q = step(q, s(4), 'Successful').run;
    expect(q.status?.phase).toBe('Inconclusive');
  });

  it('a failed metric stops its siblings (the run is terminating) and the run takes the worst phase', () => {
    const r = run([
      metric({ name: 'a', interval: '1s', count: 5 }),
      metric({ name: 'b', interval: '1s', count: 5, failureLimit: 0 }),
    ]);
    const first = step(r, s(0), (name) => (name === 'b' ? 'Failed' : 'Successful'));
    // As upstream: `terminating` is read before this reconcile's verdicts; the next one (at once) ends the run.
    expect(first.run.status?.phase).toBe('Running');
    expect(first.requeueAt).toBe(s(0));
    const out = step(first.run, s(0), 'Successful');
    expect(out.measured).toEqual([]);
    expect(out.run.status?.phase).toBe('Failed');
    expect(out.run.status?.metricResults?.find((m) => m.name === 'a')?.phase).toBe('Successful');
    expect(planAnalysisRun(out.run, s(10)).tasks).toEqual([]);
  });

  it('keeps every measurement with value, phase, startedAt and finishedAt; trims to 10 or measurementRetention', () => {
    let r = run([metric({ interval: '1s', count: 12 })]);
    for (let i = 0; i < 12; i++) r = step(r, s(i * 2), 'Successful').run;
    expect(r.status?.metricResults?.[0]?.measurements).toHaveLength(10);
    expect(r.status?.metricResults?.[0]?.measurements[9]).toEqual({
      phase: 'Successful',
      startedAt: iso(s(22)),
      finishedAt: iso(s(22)),
    });
    let kept = run([metric({ interval: '1s', count: 4 })], { measurementRetention: [{ metricName: 'm', limit: 2 }] });
    for (let i = 0; i < 4; i++) kept = step(kept, s(i * 2), 'Successful').run;
    expect(kept.status?.metricResults?.[0]?.measurements).toHaveLength(2);
  });
});

describe('dryRun', () => {
  it('a failing dry-run metric does not fail the run; it is counted in dryRunSummary', () => {
    const r = run([metric({ name: 'shadow', failureLimit: 0 }), metric({ name: 'real' })], {
      dryRun: [{ metricName: 'shad.*' }],
    });
    const out = step(r, s(0), (name) => (name === 'shadow' ? 'Failed' : 'Successful'));
    expect(out.run.status?.phase).toBe('Successful');
    expect(out.run.status?.dryRunSummary).toEqual({ count: 1, successful: 0, failed: 1, inconclusive: 0, error: 0 });
    expect(out.run.status?.metricResults?.find((m) => m.name === 'shadow')).toMatchObject({
      dryRun: true,
      phase: 'Failed',
      message: 'Metric assessed Failed due to failed (1) > failureLimit (0)',
    });
  });

  it('a dryRun rule that matches no metric is an invalid spec', () => {
    const out = step(run([metric()], { dryRun: [{ metricName: 'nothing' }] }), s(0), 'Successful');
    expect(out.run.status).toMatchObject({
      phase: 'Error',
      message: "Analysis spec invalid: dryRun[0]: Rule didn't match any metric name(s)",
    });
  });
});

describe('termination, args and spec errors', () => {
  it('terminate before any measurement: Successful, "Run Terminated"', () => {
    const out = step(run([metric({ interval: '1s' })], { terminate: true }), s(0), 'Successful');
    expect(out.measured).toEqual([]);
    expect(out.run.status).toMatchObject({ phase: 'Successful', message: 'Run Terminated' });
  });

  it('terminate with an in-flight measurement asks its provider to terminate it', () => {
    const inFlight = recordMeasurements(
      run([metric({ provider: { job: {} } })]),
      [{ metricName: 'm', measurement: { phase: 'Running', startedAt: iso(s(0)) } }],
      s(0),
    ).run;
    const plan = planAnalysisRun({ ...inFlight, spec: { ...inFlight.spec, terminate: true } }, s(1));
    expect(plan.tasks).toMatchObject([{ action: 'terminate', incompleteMeasurement: { phase: 'Running' } }]);
  });

  it('substitutes args, reads secrets when measuring and redacts them from messages', () => {
    const r = run([metric({ provider: { web: { url: 'http://x/{{args.hash}}?k={{ args.key }}' } } })], {
      args: [
        { name: 'hash', value: 'abc"d' },
        { name: 'key', valueFrom: { secretKeyRef: { name: 's', key: 'token' } } },
      ],
    });
    const plan = planAnalysisRun(r, s(0), (name, key) => (name === 's' && key === 'token' ? 'sekret' : undefined));
    expect(plan.tasks[0]?.metric.provider).toEqual({ web: { url: 'http://x/abc"d?k=sekret' } });
    const out = recordMeasurements(
      plan.run,
      [taken('m', 'Error', s(0), { message: 'GET ?k=sekret failed' })],
      s(0),
      plan.secrets,
    );
    expect(out.run.status?.metricResults?.[0]?.measurements[0]?.message).toBe('GET ?k=***** failed');
  });

  it('an arg without a value errors the run; a missing secret too', () => {
    const unresolved = step(run([metric({ provider: { web: { url: '{{args.nope}}' } } })]), s(0), 'Successful');
    expect(unresolved.run.status).toMatchObject({
      phase: 'Error',
      message: 'Unable to resolve metric arguments: failed to resolve {{args.nope}}',
    });
    const secret = planAnalysisRun(
      run([metric()], { args: [{ name: 'k', valueFrom: { secretKeyRef: { name: 's', key: 'x' } } }] }),
      s(0),
    );
    expect(secret.run.status?.message).toBe("Unable to resolve metric arguments: key 'x' does not exist in secret 's'");
  });

  it('an invalid metric errors the run with upstream validation text', () => {
    const out = step(run([metric({ count: 3 })]), s(0), 'Successful');
    expect(out.run.status).toMatchObject({
      phase: 'Error',
      message: 'Analysis spec invalid: metrics[0]: interval must be specified when count > 1',
    });
  });
});
