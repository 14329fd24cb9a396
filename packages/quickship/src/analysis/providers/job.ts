// The job provider (metricproviders/job) with a local process for the Job's pod: Run starts the
// Job and returns a Running measurement (metadata job-name/job-namespace, resumeAt now), Resume
// reads the Job's state (Complete → Successful, Failed → Failed, a pod that cannot start →
// Inconclusive, else Running again after sqrt(2 × elapsed) s), Terminate deletes it (kills the process) → Inconclusive. The Job itself
// follows batch/v1: a failed pod is retried up to `backoffLimit` (default 6) times after 10 s,
// 20 s, 40 s … (capped at 6 min), `activeDeadlineSeconds` fails the whole Job (DeadlineExceeded).
// Cluster DNS names in env values and args are rewritten to loopback by `mapAddress`.
import type { SecretLookup } from '../args.ts';
import { errorMeasurement } from '../measurement.ts';
import type { AnalysisRun, Measurement, Metric } from '../types.ts';
import { rfc3339 } from '../../core/time.ts';
import type { ProcessHandle } from '../../runtime/process.ts';
import type { JobContainer, LaunchContainer } from './launch.ts';

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string } };
}

interface JobSpec {
  readonly backoffLimit?: number;
  readonly activeDeadlineSeconds?: number;
  readonly template: {
    readonly spec: { readonly containers: readonly (JobContainer & { readonly env?: readonly EnvVar[] })[] };
  };
}

export interface JobProviderOptions {
  readonly launch: LaunchContainer;
  /** Rewrites cluster addresses (`http://payments-preview.payments.svc.cluster.local`) to loopback. */
  readonly mapAddress: (text: string) => string;
  readonly secrets: SecretLookup;
  /** Called when a Job finishes, so the run is reconciled at once (upstream's Job informer). */
  readonly onUpdate: () => void;
  readonly now?: () => number;
  /** Delay before retrying a failed pod, by retry number (Kubernetes: 10 s doubling, max 6 min). */
  readonly podBackoffMs?: (retry: number) => number;
}

type JobState =
  | { readonly phase: 'Running' }
  | { readonly phase: 'Complete' }
  | { readonly phase: 'Failed'; readonly reason: string }
  | { readonly phase: 'PodError'; readonly reason: string };

interface LocalJob {
  state: JobState;
  process?: ProcessHandle;
  deleted: boolean;
  deadline?: NodeJS.Timeout;
}

export const JOB_NAME_KEY = 'job-name';
export const JOB_NAMESPACE_KEY = 'job-namespace';

const kubernetesPodBackoff = (retry: number) => Math.min(10_000 * 2 ** retry, 360_000);

export class JobProvider {
  private readonly jobs = new Map<string, LocalJob>();
  private readonly now: () => number;

  constructor(private readonly options: JobProviderOptions) {
    this.now = options.now ?? Date.now;
  }

  /** newJobName: `<run uid>.<metric>.<count + error + 1>`. */
  jobName(run: AnalysisRun, metric: Metric): string {
    const result = run.status?.metricResults?.find((r) => r.name === metric.name);
    const id = (result?.count ?? 0) + (result?.error ?? 0) + 1;
    return `${run.metadata.uid ?? run.metadata.name}.${metric.name}.${id}`;
  }

  run(run: AnalysisRun, metric: Metric): Measurement {
    const startedAt = this.now();
    const spec = (metric.provider['job'] as { spec?: JobSpec } | undefined)?.spec;
    const container = spec?.template?.spec?.containers?.[0];
    if (!spec || !container) {
      return errorMeasurement(
        'job initialization failed: spec.template.spec.containers is empty',
        startedAt,
        startedAt,
      );
    }
    let env: Record<string, string>;
    try {
      env = this.containerEnv(container.env ?? []);
    } catch (error) {
      return errorMeasurement((error as Error).message, startedAt, startedAt);
    }
    const name = this.jobName(run, metric);
    const job: LocalJob = { state: { phase: 'Running' }, deleted: false };
    this.jobs.set(name, job);
    const mapped = { ...container, ...(container.args ? { args: container.args.map(this.options.mapAddress) } : {}) };
    void this.execute(name, job, spec, mapped, env);
    return {
      phase: 'Running',
      startedAt: rfc3339(new Date(startedAt)),
      resumeAt: rfc3339(new Date(startedAt)),
      metadata: { [JOB_NAME_KEY]: name, [JOB_NAMESPACE_KEY]: run.metadata.namespace ?? 'default' },
    };
  }

  resume(_run: AnalysisRun, _metric: Metric, measurement: Measurement): Measurement {
    const name = measurement.metadata?.[JOB_NAME_KEY];
    const job = name === undefined ? undefined : this.jobs.get(name);
    const now = this.now();
    if (!job) return { ...errorMeasurement(`job.batch "${name ?? ''}" not found`, now, now), ...pick(measurement) };
    if (job.state.phase === 'Complete')
      return { ...measurement, phase: 'Successful', finishedAt: rfc3339(new Date(now)) };
    if (job.state.phase === 'Failed') {
      return { ...measurement, phase: 'Failed', message: job.state.reason, finishedAt: rfc3339(new Date(now)) };
    }
    if (job.state.phase === 'PodError') {
      return { ...measurement, phase: 'Inconclusive', message: job.state.reason, finishedAt: rfc3339(new Date(now)) };
    }
    const elapsed = (now - Date.parse(measurement.startedAt ?? new Date(now).toISOString())) / 1000;
    return { ...measurement, resumeAt: rfc3339(new Date(now + Math.sqrt(2 * Math.max(elapsed, 0)) * 1000)) };
  }

  async terminate(_run: AnalysisRun, _metric: Metric, measurement: Measurement): Promise<Measurement> {
    const name = measurement.metadata?.[JOB_NAME_KEY];
    if (name !== undefined) await this.deleteJob(name);
    return { ...measurement, phase: 'Inconclusive', finishedAt: rfc3339(new Date(this.now())) };
  }

  /** Kills every running Job's process (engine shutdown). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.jobs.keys()].map((name) => this.deleteJob(name)));
  }

  private async deleteJob(name: string): Promise<void> {
    const job = this.jobs.get(name);
    if (!job) return;
    job.deleted = true;
    clearTimeout(job.deadline);
    if (job.process && !job.process.hasExited()) {
      job.process.kill();
      await job.process.exited;
    }
    this.jobs.delete(name);
  }

  private containerEnv(vars: readonly EnvVar[]): Record<string, string> {
    const env: Record<string, string> = {};
    for (const v of vars) {
      if (v.value !== undefined) env[v.name] = this.options.mapAddress(v.value);
      else if (v.valueFrom?.secretKeyRef) {
        const { name, key } = v.valueFrom.secretKeyRef;
        const value = this.options.secrets(name, key);
        if (value === undefined) {
          throw new Error(
            `env ${v.name}: key '${key}' does not exist in secret '${name}' (CreateContainerConfigError)`,
          );
        }
        env[v.name] = value;
      } else if (v.valueFrom) {
        throw new Error(`env ${v.name}: only value and valueFrom.secretKeyRef run locally`);
      } else env[v.name] = '';
    }
    return env;
  }

  private async execute(
    name: string,
    job: LocalJob,
    spec: JobSpec,
    container: JobContainer,
    env: Record<string, string>,
  ): Promise<void> {
    const finish = (state: JobState) => {
      if (job.deleted || job.state.phase !== 'Running') return;
      job.state = state;
      clearTimeout(job.deadline);
      this.options.onUpdate();
    };
    if (spec.activeDeadlineSeconds !== undefined) {
      job.deadline = setTimeout(() => {
        finish({ phase: 'Failed', reason: 'DeadlineExceeded: Job was active longer than specified deadline' });
        job.process?.kill();
      }, spec.activeDeadlineSeconds * 1000);
    }
    const backoffLimit = spec.backoffLimit ?? 6;
    const backoff = this.options.podBackoffMs ?? kubernetesPodBackoff;
    for (let attempt = 0; attempt <= backoffLimit; attempt++) {
      if (job.deleted || job.state.phase !== 'Running') return;
      let exit;
      try {
        job.process = await this.options.launch(container, env, `${name}-${attempt}`);
        exit = await job.process.exited;
      } catch (error) {
        // The image cannot be pulled or started: upstream's processJobPods makes this Inconclusive.
        finish({ phase: 'PodError', reason: (error as Error).message });
        return;
      }
      if (exit.code === 0) {
        finish({ phase: 'Complete' });
        return;
      }
      if (attempt < backoffLimit) await new Promise((resolve) => setTimeout(resolve, backoff(attempt)));
    }
    finish({ phase: 'Failed', reason: 'BackoffLimitExceeded: Job has reached the specified backoff limit' });
  }
}

function pick(measurement: Measurement): Partial<Measurement> {
  return {
    ...(measurement.startedAt ? { startedAt: measurement.startedAt } : {}),
    ...(measurement.metadata ? { metadata: measurement.metadata } : {}),
  };
}
