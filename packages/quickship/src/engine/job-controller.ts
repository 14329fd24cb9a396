// The local Job controller: every batch/v1 Job in the store runs its pod's one container as a
// local process (the image's layout and argv from the launcher, env resolved as for instances),
// and its status is written as the Kubernetes Job controller writes it: startTime, active,
// succeeded/failed counts, completionTime and the Complete/Failed conditions (reasons
// BackoffLimitExceeded, DeadlineExceeded), honouring backoffLimit (default 6) and
// activeDeadlineSeconds. Argo CD's hooks (the PreSync migration) and the analysis Jobs both go
// through it. A Job deleted from the store has its process killed.
import { parsePodTemplate } from '../core/pod-template.ts';
import type { ContainerSpec } from '../model.ts';
import type { KubeObject } from '../store/object.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { resolveEnv, type EnvSources } from './env.ts';

export const JOB_CONTROLLER_MANAGER = 'job-controller';

export interface RunningProcess {
  readonly pid: number;
  readonly exited: Promise<{ readonly code: number | null; readonly signal: string | null }>;
  kill(): void;
}

export interface JobLauncher {
  /** Resolves the container's image and argv (Kubernetes' command/args rules) and starts it. */
  start(container: ContainerSpec, env: Record<string, string>, logName: string): Promise<RunningProcess>;
}

export interface JobStatus {
  readonly startTime?: string;
  readonly completionTime?: string;
  readonly active?: number;
  readonly succeeded?: number;
  readonly failed?: number;
  readonly conditions?: readonly {
    readonly type: 'Complete' | 'Failed';
    readonly status: 'True';
    readonly reason?: string;
    readonly message: string;
    readonly lastProbeTime: string;
    readonly lastTransitionTime: string;
  }[];
}

interface Run {
  readonly uid: string;
  process?: RunningProcess;
  deadline?: NodeJS.Timeout;
  finished: boolean;
}

export class JobController {
  private readonly runs = new Map<string, Run>();
  private unwatch: (() => void) | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly launcher: JobLauncher,
    private readonly envSources: (namespace: string) => EnvSources,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  start(): void {
    this.unwatch = this.store.watch((event) => {
      if (event.object.kind !== 'Job' || !event.object.apiVersion.startsWith('batch/')) return;
      if (event.type === 'DELETED') this.cancel(event.object);
      else if (event.manager !== JOB_CONTROLLER_MANAGER) this.ensure(event.object);
    });
    for (const job of this.store.list({ kind: 'Job', group: 'batch' })) this.ensure(job);
  }

  stop(): void {
    this.unwatch?.();
    for (const run of this.runs.values()) {
      clearTimeout(run.deadline);
      run.process?.kill();
    }
    this.runs.clear();
  }

  private ensure(job: KubeObject): void {
    const uid = job.metadata.uid ?? '';
    const key = `${job.metadata.namespace ?? ''}/${job.metadata.name}`;
    const existing = this.runs.get(key);
    if (existing && existing.uid === uid) return;
    if (existing) this.cancelRun(existing);
    const status = (job.status ?? {}) as JobStatus;
    if (status.conditions?.some((c) => c.type === 'Complete' || c.type === 'Failed')) return; // finished before a restart
    const run: Run = { uid, finished: false };
    this.runs.set(key, run);
    void this.execute(job, run);
  }

  private cancel(job: KubeObject): void {
    const key = `${job.metadata.namespace ?? ''}/${job.metadata.name}`;
    const run = this.runs.get(key);
    if (run && run.uid === job.metadata.uid) {
      this.cancelRun(run);
      this.runs.delete(key);
    }
  }

  private cancelRun(run: Run): void {
    run.finished = true;
    clearTimeout(run.deadline);
    run.process?.kill();
  }

  private async execute(job: KubeObject, run: Run): Promise<void> {
    const spec = (job.spec ?? {}) as { backoffLimit?: number; activeDeadlineSeconds?: number; template?: unknown };
    const backoffLimit = typeof spec.backoffLimit === 'number' ? spec.backoffLimit : 6;
    const name = job.metadata.name;
    const namespace = job.metadata.namespace ?? 'default';
    const startTime = now();
    let failed = 0;
    let container: ContainerSpec;
    try {
      container = parsePodTemplate(spec.template, 'spec.template').container;
    } catch (error) {
      return this.finish(job, run, { startTime, failed: 1 }, 'Failed', 'InvalidSpec', (error as Error).message);
    }
    const env = resolveEnv(container.env, this.envSources(namespace));
    if (!env.ok) return this.finish(job, run, { startTime, failed: 1 }, 'Failed', env.reason, env.message);
    if (typeof spec.activeDeadlineSeconds === 'number') {
      run.deadline = setTimeout(() => {
        if (run.finished) return;
        run.process?.kill();
        this.finish(
          job,
          run,
          { startTime, failed: failed + 1 },
          'Failed',
          'DeadlineExceeded',
          'Job was active longer than specified deadline',
        );
      }, spec.activeDeadlineSeconds * 1000);
    }
    while (!run.finished) {
      this.write(job, run, { startTime, active: 1, ...(failed ? { failed } : {}) });
      let exit: { code: number | null; signal: string | null };
      try {
        run.process = await this.launcher.start(container, env.env, `job-${name}-${failed}`);
        this.log(`Job ${namespace}/${name}: pod started (pid ${run.process.pid})`);
        exit = await run.process.exited;
      } catch (error) {
        this.log(`Job ${namespace}/${name}: pod could not start: ${(error as Error).message}`);
        exit = { code: 128, signal: null };
        if (failed >= backoffLimit)
          return this.finish(
            job,
            run,
            { startTime, failed: failed + 1 },
            'Failed',
            'BackoffLimitExceeded',
            `Job has reached the specified backoff limit: ${(error as Error).message}`,
          );
      }
      if (run.finished) return;
      if (exit.code === 0)
        return this.finish(
          job,
          run,
          { startTime, succeeded: 1, ...(failed ? { failed } : {}) },
          'Complete',
          undefined,
          'Reached expected number of succeeded pods',
        );
      failed++;
      this.log(
        `Job ${namespace}/${name}: pod failed (exit ${exit.code ?? exit.signal}); ${failed} of ${backoffLimit + 1} attempts used`,
      );
      if (failed > backoffLimit)
        return this.finish(
          job,
          run,
          { startTime, failed },
          'Failed',
          'BackoffLimitExceeded',
          'Job has reached the specified backoff limit',
        );
      // The Job controller's pod back-off (10 s doubling) is scaled down locally, as for instances.
      await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** (failed - 1), 8000)));
    }
  }

  private finish(
    job: KubeObject,
    run: Run,
    counts: JobStatus,
    type: 'Complete' | 'Failed',
    reason: string | undefined,
    message: string,
  ): void {
    if (run.finished && type !== 'Failed') return;
    run.finished = true;
    clearTimeout(run.deadline);
    const time = now();
    this.write(job, run, {
      ...counts,
      active: 0,
      ...(type === 'Complete' ? { completionTime: time } : {}),
      conditions: [
        { type, status: 'True', ...(reason ? { reason } : {}), message, lastProbeTime: time, lastTransitionTime: time },
      ],
    });
    this.log(
      `Job ${job.metadata.namespace ?? ''}/${job.metadata.name}: ${type}${reason ? ` (${reason})` : ''}: ${message}`,
    );
  }

  private write(job: KubeObject, run: Run, status: JobStatus): void {
    const live = this.store.get({
      apiVersion: job.apiVersion,
      kind: 'Job',
      ...(job.metadata.namespace ? { namespace: job.metadata.namespace } : {}),
      name: job.metadata.name,
    });
    if (!live || live.metadata.uid !== run.uid) return; // deleted or replaced meanwhile
    const { active, ...rest } = status;
    this.store.setStatus(
      {
        apiVersion: live.apiVersion,
        kind: 'Job',
        ...(live.metadata.namespace ? { namespace: live.metadata.namespace } : {}),
        name: live.metadata.name,
      },
      { ...rest, ...(active ? { active } : {}) },
      JOB_CONTROLLER_MANAGER,
    );
  }
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}
