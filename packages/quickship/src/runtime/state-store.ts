// Observed facts persisted under `.quickship/state/<rollout>.json`, so that a restarted engine
// knows what it was running: the controller-written status (Argo keeps it in `.status`), the
// ReplicaSets, and each instance's pid/port/pod-template-hash. Never the phase: it is computed.
// Writes are atomic (write a temporary file, fsync, rename over the old one) and serialised, so
// a crash leaves either the previous state or the new one, never half a file.
import { UserError } from '../errors.ts';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ControllerStatus, ReplicaSetState } from '../model.ts';
import type { PersistedInstance } from './instance.ts';
import { httpGetProbe } from './probe.ts';
import { adoptProcess, isSameProcess, stopWithin } from './process.ts';

export interface EngineState {
  readonly schemaVersion: 1;
  readonly rollout: string;
  readonly savedAt: string;
  /** The engine process that wrote this state. */
  readonly engine: { readonly pid: number };
  readonly controller: ControllerStatus;
  readonly replicaSets: readonly ReplicaSetState[];
  readonly instances: readonly PersistedInstance[];
}

export class StateFileError extends UserError {
  override readonly code = 'Invalid';
  constructor(
    readonly file: string,
    why: string,
  ) {
    super(`engine state ${file} is unreadable (${why}); move it aside or delete it to start from a clean state`);
    this.name = 'StateFileError';
  }
}

export class StateStore {
  private queue: Promise<void> = Promise.resolve();
  private pending: { timer: NodeJS.Timeout; state: () => EngineState } | undefined;

  /** `dir` is usually `<repo>/.quickship/state`. */
  constructor(readonly dir: string) {}

  file(rollout: string): string {
    return join(this.dir, `${rollout}.json`);
  }

  async load(rollout: string): Promise<EngineState | undefined> {
    const file = this.file(rollout);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let state: EngineState;
    try {
      state = JSON.parse(text) as EngineState;
    } catch (error) {
      throw new StateFileError(file, (error as Error).message);
    }
    if (state.schemaVersion !== 1)
      throw new StateFileError(file, `schemaVersion ${String(state.schemaVersion)} is not 1`);
    return state;
  }

  /** Writes atomically; concurrent saves are applied in call order. */
  save(state: EngineState): Promise<void> {
    const write = this.queue.then(() => this.write(state));
    this.queue = write.catch(() => undefined);
    return write;
  }

  /** Coalesces frequent saves (every instance change) into one write per `delayMs`. */
  saveSoon(state: () => EngineState, delayMs = 50): void {
    if (this.pending) {
      this.pending.state = state;
      return;
    }
    const timer = setTimeout(() => {
      const latest = this.pending?.state ?? state;
      this.pending = undefined;
      void this.save(latest()).catch((error: unknown) =>
        console.error(`quickship: could not save engine state: ${(error as Error).message}`),
      );
    }, delayMs);
    this.pending = { timer, state };
  }

  /** Writes any coalesced save now and waits for every write. */
  async flush(): Promise<void> {
    if (this.pending) {
      clearTimeout(this.pending.timer);
      const state = this.pending.state;
      this.pending = undefined;
      await this.save(state());
    }
    await this.queue;
  }

  private async write(state: EngineState): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = this.file(state.rollout);
    const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

export interface AdoptionPlan {
  /** Alive, the same process (kernel start time matches), and answering its health check: take it over. */
  readonly adopt: readonly PersistedInstance[];
  /** Ours but unhealthy: stopped (SIGTERM, then SIGKILL after the grace period); the ReplicaSet replaces it. */
  readonly replaced: readonly { readonly instance: PersistedInstance; readonly reason: string }[];
  /** Gone, or the pid now belongs to another process (left alone). */
  readonly gone: readonly { readonly instance: PersistedInstance; readonly reason: string }[];
}

/**
 * Decides, for each recorded instance, whether a restarted engine re-adopts it or replaces it,
 * and stops the ones to replace. A pid is only signalled when its kernel start time is the one
 * recorded, so a reused pid of an unrelated process is never touched.
 */
export async function adoptOrReplace(
  instances: readonly PersistedInstance[],
  options: { readonly healthPath?: string; readonly timeoutSeconds?: number; readonly graceSeconds?: number } = {},
): Promise<AdoptionPlan> {
  const adopt: PersistedInstance[] = [];
  const replaced: { instance: PersistedInstance; reason: string }[] = [];
  const gone: { instance: PersistedInstance; reason: string }[] = [];
  await Promise.all(
    instances.map(async (instance) => {
      if (!(await isSameProcess(instance.pid, instance.processStartTime))) {
        gone.push({ instance, reason: `pid ${instance.pid} is gone or belongs to another process now` });
        return;
      }
      const health = await httpGetProbe(instance.port, options.healthPath ?? '/healthz', options.timeoutSeconds ?? 1);
      if (health.ok) {
        adopt.push(instance);
        return;
      }
      replaced.push({
        instance,
        reason: `pid ${instance.pid} is alive but ${options.healthPath ?? '/healthz'} on port ${instance.port} failed: ${health.message}`,
      });
      await stopWithin(adoptProcess(instance.pid, instance.processStartTime, 50), (options.graceSeconds ?? 5) * 1000);
    }),
  );
  return { adopt, replaced, gone };
}
