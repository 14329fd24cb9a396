// The job provider running real processes through the same launch path as instances
// (image → command/args → spawn), with Job semantics: exit 0, backoffLimit, activeDeadlineSeconds,
// terminate, an image that cannot be pulled; then a whole AnalysisRun reconciled to its end.
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalRegistry } from '../../runtime/registry.ts';
import { fixtureImages, removeTempDirs, tempDir } from '../../runtime/test-fixtures/fixture-image.ts';
import { reconcileAnalysisRun } from '../reconcile.ts';
import type { AnalysisRun, Measurement, Metric } from '../types.ts';
import { providerMeasure } from './index.ts';
import { JobProvider } from './job.ts';
import { containerLauncher } from './launch.ts';

afterAll(() => removeTempDirs());

function jobMetric(script: string, job: Record<string, unknown> = {}, env: unknown[] = []): Metric {
  return {
    name: 'smoke',
    provider: {
      job: {
        spec: {
          backoffLimit: 0,
          ...job,
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'smoke', image: 'payments:test', command: ['node', '-e', script], env }],
            },
          },
        },
      },
    },
  };
}

const run: AnalysisRun = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisRun',
  metadata: { name: 'payments-abc-2-pre', namespace: 'payments', uid: 'uid-1' },
  spec: { metrics: [] },
};

function provider(logDir: string, extra: Partial<ConstructorParameters<typeof JobProvider>[0]> = {}) {
  let updates = 0;
  const waiters: (() => void)[] = [];
  const jobs = new JobProvider({
    launch: containerLauncher(fixtureImages, logDir),
    mapAddress: (text) => text.replace('http://payments-preview.payments.svc.cluster.local', 'http://127.0.0.1:18081'),
    secrets: (name, key) => (name === 'payments-secrets' && key === 'PAYMENTS_API_KEYS' ? 'm:sk_test_1' : undefined),
    onUpdate: () => {
      updates++;
      waiters.splice(0).forEach((w) => w());
    },
    podBackoffMs: () => 20,
    ...extra,
  });
  const finished = () => new Promise<void>((resolve) => waiters.push(resolve));
  return { jobs, finished, updates: () => updates };
}

describe('job provider', () => {
  it('exit 0 succeeds; the pod sees its env with cluster names mapped and secrets resolved', async () => {
    const logs = tempDir('job');
    const { jobs, finished } = provider(logs);
    const metric = jobMetric(
      `process.exit(process.env.TARGET_URL === 'http://127.0.0.1:18081' && process.env.KEYS === 'm:sk_test_1' ? 0 : 1)`,
      {},
      [
        { name: 'TARGET_URL', value: 'http://payments-preview.payments.svc.cluster.local' },
        { name: 'KEYS', valueFrom: { secretKeyRef: { name: 'payments-secrets', key: 'PAYMENTS_API_KEYS' } } },
      ],
    );
    const done = finished();
    const started = jobs.run(run, metric);
    expect(started).toMatchObject({
      phase: 'Running',
      metadata: { 'job-name': 'uid-1.smoke.1', 'job-namespace': 'payments' },
    });
    await done;
    expect(jobs.resume(run, metric, started)).toMatchObject({ phase: 'Successful' });
  });

  it('a failing pod is retried backoffLimit times, then the Job fails', async () => {
    const logs = tempDir('job');
    const { jobs, finished } = provider(logs);
    const metric = jobMetric('process.exit(2)', { backoffLimit: 2 });
    const done = finished();
    const started = jobs.run(run, metric);
    await done;
    expect(jobs.resume(run, metric, started)).toMatchObject({
      phase: 'Failed',
      message: 'BackoffLimitExceeded: Job has reached the specified backoff limit',
    });
    expect(readdirSync(logs).sort()).toEqual(['uid-1.smoke.1-0.log', 'uid-1.smoke.1-1.log', 'uid-1.smoke.1-2.log']);
  });

  it('activeDeadlineSeconds fails a Job that runs too long and kills its process', async () => {
    const { jobs, finished } = provider(tempDir('job'));
    const metric = jobMetric('setTimeout(() => {}, 60000)', { activeDeadlineSeconds: 1 });
    const done = finished();
    const t0 = Date.now();
    const started = jobs.run(run, metric);
    await done;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(jobs.resume(run, metric, started)).toMatchObject({
      phase: 'Failed',
      message: expect.stringContaining('DeadlineExceeded'),
    });
    await jobs.stopAll();
  });

  it('a Job still running is resumed later (sqrt(2 × elapsed)); terminate kills it → Inconclusive', async () => {
    const { jobs } = provider(tempDir('job'));
    const metric = jobMetric('setTimeout(() => {}, 60000)');
    const started = jobs.run(run, metric);
    const again = jobs.resume(run, metric, { ...started, startedAt: new Date(Date.now() - 8000).toISOString() });
    expect(again.phase).toBe('Running');
    expect(Date.parse(again.resumeAt as string) - Date.now()).toBeGreaterThan(3000);
    const t0 = Date.now();
    const ended = await jobs.terminate(run, metric, started);
    expect(ended.phase).toBe('Inconclusive');
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('an image that cannot be pulled is Inconclusive with the reason', async () => {
    const dir = tempDir('registry');
    const jobs = new JobProvider({
      launch: containerLauncher(new LocalRegistry({ repoDir: dir, registryDir: dir }), dir),
      mapAddress: (t) => t,
      secrets: () => undefined,
      onUpdate: () => undefined,
    });
    const metric = jobMetric('process.exit(0)');
    const started: Measurement = jobs.run(run, metric);
    await new Promise((r) => setTimeout(r, 300));
    const out = jobs.resume(run, metric, started);
    expect(out.phase).toBe('Inconclusive');
    expect(out.message).toMatch(/payments:test/);
  });

  it('a whole run: the job metric reconciled from Pending to Successful, upstream message on terminate', async () => {
    const { jobs, finished } = provider(tempDir('job'));
    const measure = providerMeasure({ job: jobs });
    let r: AnalysisRun = { ...run, spec: { metrics: [jobMetric('setTimeout(() => process.exit(0), 200)')] } };
    const done = finished();
    r = (await reconcileAnalysisRun(r, { now: Date.now, measure })).run;
    expect(r.status?.metricResults?.[0]?.measurements[0]?.phase).toBe('Running');
    await done;
    r = (await reconcileAnalysisRun(r, { now: Date.now, measure })).run;
    expect(r.status?.phase).toBe('Successful');
    expect(r.status?.metricResults?.[0]).toMatchObject({ phase: 'Successful', count: 1, successful: 1 });

    let t: AnalysisRun = {
      ...run,
      metadata: { ...run.metadata, uid: 'uid-2' },
      spec: { metrics: [jobMetric('setTimeout(() => {}, 60000)')] },
    };
    t = (await reconcileAnalysisRun(t, { now: Date.now, measure })).run;
    t = (await reconcileAnalysisRun({ ...t, spec: { ...t.spec, terminate: true } }, { now: Date.now, measure })).run;
    expect(t.status?.metricResults?.[0]?.measurements[0]).toMatchObject({
      phase: 'Inconclusive',
      message: 'Metric Terminated',
    });
  });
});
