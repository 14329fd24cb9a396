// One replica: the local stand-in for a pod with one container, run as one child process on
// its own loopback port. It follows the kubelet:
// - image pull: an unknown tag is ErrImagePull (retried with back-off, so a later
//   `quickship build` heals it); a malformed reference is InvalidImageName (not retried);
// - probes: startup gates readiness and liveness; no readiness probe means Ready once started;
//   a liveness (or startup) failure kills the container, which is then restarted;
// - restarts: every exit that was not asked for is a restart, delayed by CrashLoopBackOff;
// - termination (kubelet killContainer): Terminating and not ready FIRST (synchronous onChange,
//   so the endpoint leaves every Service before anything else), then preStop, then SIGTERM,
//   then SIGKILL when terminationGracePeriodSeconds (which includes preStop) is over. As in
//   the kubelet, whatever preStop leaves of the grace period is raised to a 2 s minimum.
// Locally one port serves everything: every probe's port maps to the instance's port.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from '@quickship/pglocal';
import type { ContainerSpec, InstanceState, InstanceStatus } from '../model.ts';
import { backoffDelaySeconds, LOCAL_BACKOFF, type BackoffPolicy } from './backoff.ts';
import { containerArgv } from './command.ts';
import { InvalidImageNameError } from './errors.ts';
import { httpGetProbe, ProbeWorker } from './probe.ts';
import { adoptProcess, spawnProcess, stopWithin, type ProcessHandle } from './process.ts';
import type { ImageResolver } from './registry.ts';

export interface InstanceOptions {
  /** Pod-like name: "<rollout>-<pod-template-hash>-<suffix>". */
  readonly name: string;
  readonly podTemplateHash: string;
  readonly container: ContainerSpec;
  readonly terminationGracePeriodSeconds: number;
  /** The container's environment, already resolved by the caller (secrets, DATABASE_URL…). PORT/HOST/HOSTNAME are set here. */
  readonly env: Readonly<Record<string, string>>;
  readonly images: ImageResolver;
  /** Folder for `<instance>.log` (stdout/stderr of the process and the runtime's lifecycle lines). */
  readonly logDir: string;
  readonly backoff?: BackoffPolicy;
  /** Floor for what preStop leaves of the grace period; the kubelet uses 2 s. */
  readonly minimumGracePeriodSeconds?: number;
  /** Called synchronously on every change of the status. */
  readonly onChange?: (status: InstanceStatus, previous: InstanceStatus) => void;
}

/** What a state store keeps to re-adopt the process after an engine restart. */
export interface PersistedInstance {
  readonly name: string;
  readonly podTemplateHash: string;
  readonly pid: number;
  readonly port: number;
  readonly processStartTime?: string;
  readonly startedAt: string;
  readonly containerStartedAt: string;
  readonly restarts: number;
  readonly logFile: string;
}

export class Instance {
  readonly name: string;
  readonly podTemplateHash: string;
  readonly logFile: string;
  /** When the instance (the pod) was created, ms since epoch. */
  createdAt: number;
  private state: InstanceState = 'Pending';
  private ready = false;
  private restarts = 0;
  private message: string | undefined;
  private port: number | undefined;
  private process: ProcessHandle | undefined;
  private containerStartedAt = 0;
  private readySince: number | undefined;
  private crashStreak = 0;
  private killReason: string | undefined;
  private probes: ProbeWorker[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private ending = false;
  private terminating: Promise<void> | undefined;
  private launching: Promise<void> | undefined;
  private stopping: { readonly process: ProcessHandle; readonly done: Promise<void> } | undefined;
  private lastStatus: InstanceStatus;
  private readonly backoff: BackoffPolicy;

  constructor(private readonly options: InstanceOptions) {
    this.name = options.name;
    this.podTemplateHash = options.podTemplateHash;
    this.backoff = options.backoff ?? LOCAL_BACKOFF;
    mkdirSync(options.logDir, { recursive: true });
    this.logFile = join(options.logDir, `${options.name}.log`);
    this.createdAt = Date.now();
    this.lastStatus = this.status();
  }

  /** Pulls the image and starts the container. */
  start(): void {
    this.launching = this.launch();
  }

  /** Takes over a live process recorded by a previous engine (see state-store.ts). */
  adopt(record: PersistedInstance): void {
    this.port = record.port;
    this.restarts = record.restarts;
    this.containerStartedAt = Date.parse(record.containerStartedAt);
    this.createdAt = Date.parse(record.startedAt);
    this.note(`adopted running process pid ${record.pid} on port ${record.port}`);
    this.update({ state: 'Pending', ready: false, message: 'adopted; waiting for probes' });
    this.watch(adoptProcess(record.pid, record.processStartTime));
  }

  status(): InstanceStatus {
    return {
      name: this.name,
      podTemplateHash: this.podTemplateHash,
      ...(this.port === undefined ? {} : { port: this.port }),
      ...(this.process && !this.process.hasExited() ? { pid: this.process.pid } : {}),
      state: this.state,
      ready: this.ready,
      restarts: this.restarts,
      startedAt: new Date(this.createdAt).toISOString(),
      ...(this.message === undefined ? {} : { message: this.message }),
    };
  }

  /** When the instance last became ready (for scale-down ranking); undefined when not ready. */
  get readySinceMs(): number | undefined {
    return this.ready ? this.readySince : undefined;
  }

  get isTerminating(): boolean {
    return this.ending;
  }

  persisted(): PersistedInstance | undefined {
    if (!this.process || this.process.hasExited() || this.port === undefined) return undefined;
    return {
      name: this.name,
      podTemplateHash: this.podTemplateHash,
      pid: this.process.pid,
      port: this.port,
      ...(this.process.startTime === undefined ? {} : { processStartTime: this.process.startTime }),
      startedAt: new Date(this.createdAt).toISOString(),
      containerStartedAt: new Date(this.containerStartedAt).toISOString(),
      restarts: this.restarts,
      logFile: this.logFile,
    };
  }

  /** Kubernetes pod deletion: out of endpoints now, then preStop, SIGTERM, SIGKILL after the grace period. */
  terminate(reason = 'deleted'): Promise<void> {
    this.terminating ??= this.runTermination(reason);
    return this.terminating;
  }

  private async runTermination(reason: string): Promise<void> {
    this.ending = true;
    this.update({ state: 'Terminating', ready: false, message: `terminating: ${reason}` });
    this.stopProbes();
    clearTimeout(this.restartTimer);
    await this.launching;
    const process = this.process;
    if (process && !process.hasExited()) await this.stopContainer(process);
    this.note('terminated');
  }

  private async launch(): Promise<void> {
    if (this.ending) return;
    let image;
    try {
      image = await this.options.images.resolve(this.options.container.image);
    } catch (error) {
      if (error instanceof InvalidImageNameError)
        return this.update({ state: 'InvalidImageName', ready: false, message: (error as Error).message });
      const seconds = backoffDelaySeconds(this.backoff, ++this.crashStreak);
      this.update({
        state: 'ErrImagePull',
        ready: false,
        message: `${(error as Error).message} (retrying in ${seconds}s)`,
      });
      this.restartTimer = setTimeout(() => this.start(), seconds * 1000);
      return;
    }
    this.port ??= await freePort('127.0.0.1');
    if (this.ending) return;
    let process;
    try {
      process = containerArgv(
        image.manifest.config,
        { ...this.options.container, env: this.options.env },
        {
          rootfs: image.rootfs,
        },
      );
    } catch (error) {
      // Kubernetes: the container cannot be created from this spec (CreateContainerError), not retried.
      return this.update({
        state: 'Error',
        ready: false,
        message: `CreateContainerError: ${(error as Error).message}`,
      });
    }
    const { file, args, cwd } = process;
    const env: Record<string, string> = {
      ...baseEnvironment(),
      // The image's ENV (GIT_COMMIT, NODE_ENV…) under the container's, as in a pod.
      ...process.env,
      PORT: String(this.port),
      HOST: '127.0.0.1',
      HOSTNAME: this.name,
    };
    this.note(
      `starting ${image.image} (${image.manifest.commit.slice(0, 12)}): ${file} ${args.join(' ')} on 127.0.0.1:${this.port}`,
    );
    this.update({ state: 'Pending', ready: false, message: 'ContainerCreating' });
    this.containerStartedAt = Date.now();
    try {
      this.watch(await spawnProcess({ file, args, cwd, env, logFile: this.logFile }));
      this.update({ message: 'started' });
    } catch (error) {
      this.exited({ code: null, signal: null, error: (error as Error).message });
    }
  }

  private watch(process: ProcessHandle): void {
    this.process = process;
    void process.exited.then((exit) => {
      if (this.process === process) this.exited(exit);
    });
    const startup = this.options.container.startupProbe;
    if (startup) {
      this.probe('startup', startup, (ok, message) => (ok ? this.started() : this.kill(message)));
    } else {
      this.started();
    }
  }

  private started(): void {
    const { readinessProbe, livenessProbe } = this.options.container;
    if (livenessProbe) this.probe('liveness', livenessProbe, (ok, message) => ok || this.kill(message));
    if (readinessProbe) {
      this.update({ message: 'waiting for readiness probe' });
      this.probe('readiness', readinessProbe, (ok, message) => this.setReady(ok, message));
    } else {
      this.setReady(true, 'started (no readiness probe)');
    }
  }

  private probe(
    kind: 'startup' | 'readiness' | 'liveness',
    probe: NonNullable<ContainerSpec['readinessProbe']>,
    onResult: (ok: boolean, message: string) => void,
  ): void {
    const worker = new ProbeWorker({ kind, probe, port: this.port ?? 0, startedAt: this.containerStartedAt, onResult });
    this.probes.push(worker);
    worker.start();
  }

  private setReady(ready: boolean, message: string): void {
    if (this.ending || this.killReason) return;
    if (ready) this.readySince = Date.now();
    this.note(message);
    this.update({ state: ready ? 'Running' : this.state, ready, message: ready ? undefined : message });
  }

  /** Liveness/startup failure: kill the container (with its grace period); the exit restarts it. */
  private kill(reason: string): void {
    const process = this.process;
    if (this.ending || this.killReason || !process) return;
    this.killReason = reason;
    this.stopProbes();
    this.note(`${reason}; container will be restarted`);
    this.update({ ready: false, message: reason });
    void this.stopContainer(process);
  }

  private exited(exit: {
    readonly code: number | null;
    readonly signal: string | null;
    readonly error?: string;
  }): void {
    this.stopProbes();
    if (this.ending) return;
    const ranSeconds = (Date.now() - this.containerStartedAt) / 1000;
    if (ranSeconds >= this.backoff.resetAfterSeconds) this.crashStreak = 0;
    const cause =
      this.killReason ?? exit.error ?? `exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}`;
    this.killReason = undefined;
    this.restarts++;
    const seconds = backoffDelaySeconds(this.backoff, ++this.crashStreak);
    this.note(`container ${cause}; back-off ${seconds}s before restart ${this.restarts}`);
    this.update({
      state: 'CrashLoopBackOff',
      ready: false,
      message: `back-off ${seconds}s restarting failed container: ${cause}`,
    });
    this.restartTimer = setTimeout(() => this.start(), seconds * 1000);
  }

  /** kubelet killContainer, once per process (a liveness kill and a deletion may overlap). */
  private stopContainer(process: ProcessHandle): Promise<void> {
    if (this.stopping?.process !== process) this.stopping = { process, done: this.killContainer(process) };
    return this.stopping.done;
  }

  /** preStop within the grace period, then SIGTERM, then SIGKILL at the deadline. */
  private async killContainer(process: ProcessHandle): Promise<void> {
    const started = Date.now();
    const grace = this.options.terminationGracePeriodSeconds * 1000;
    const preStop = this.options.container.preStop;
    if (preStop) {
      this.note(`preStop ${preStop.kind === 'sleep' ? `sleep ${preStop.seconds}s` : `httpGet ${preStop.path}`}`);
      const budget = Math.max(0, grace);
      if (preStop.kind === 'sleep') {
        await Promise.race([delay(Math.min(preStop.seconds * 1000, budget)), process.exited]);
      } else {
        const outcome = await httpGetProbe(this.port ?? 0, preStop.path, budget / 1000);
        if (!outcome.ok) this.note(`FailedPreStopHook: ${outcome.message}`);
      }
    }
    if (process.hasExited()) return;
    const floor = (this.options.minimumGracePeriodSeconds ?? 2) * 1000;
    const remaining = Math.max(grace - (Date.now() - started), floor);
    this.note(`SIGTERM (grace ${Math.round(remaining) / 1000}s left)`);
    await stopWithin(process, remaining, () =>
      this.note(
        `SIGKILL: still running after terminationGracePeriodSeconds=${this.options.terminationGracePeriodSeconds}`,
      ),
    );
  }

  private stopProbes(): void {
    for (const worker of this.probes) worker.stop();
    this.probes = [];
  }

  private update(change: { state?: InstanceState; ready?: boolean; message?: string | undefined }): void {
    if (change.state !== undefined) this.state = change.state;
    if (change.ready !== undefined) this.ready = change.ready;
    if ('message' in change) this.message = change.message;
    const previous = this.lastStatus;
    const next = this.status();
    if (
      previous.state === next.state &&
      previous.ready === next.ready &&
      previous.message === next.message &&
      previous.pid === next.pid &&
      previous.restarts === next.restarts
    )
      return;
    this.lastStatus = next;
    this.options.onChange?.(next, previous);
  }

  /** A lifecycle line in the instance's log, beside the process's own output. */
  private note(line: string): void {
    try {
      appendFileSync(this.logFile, `[quickship ${new Date().toISOString()}] ${line}\n`);
    } catch {
      // Logging must never stop a termination.
    }
  }
}

/** What a container gets from the host besides its spec env: enough to find binaries and temp space. */
function baseEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}
