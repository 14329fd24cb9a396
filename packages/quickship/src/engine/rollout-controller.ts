// The controller of one Rollout: core's pure reconcile on every tick and event, its result
// applied through the runtime (ReplicaSets scaled, Service selectors switched, instances
// restarted), the verbs as core's pure transforms followed by an immediate reconcile.
// Order inside one apply: selectors first, then scaling, so traffic has left a ReplicaSet
// before its instances begin terminating (and in-flight requests finish where they started).
import {
  abort,
  buildRolloutObject,
  buildRolloutView,
  initialControllerStatus,
  promote,
  resourceAction,
  reconcileBlueGreen,
  restart,
  retry,
  specFingerprint,
  undo,
  type ReconcileResult,
} from '../core/index.ts';
import type {
  AnalysisRunSummary,
  ControllerStatus,
  InstanceStatus,
  OtherObject,
  ReplicaSetObservation,
  ReplicaSetState,
  RolloutEntry,
  RolloutSpec,
} from '../model.ts';
import type { AnalysisRunLike } from '../core/status.ts';
import type { BackoffPolicy } from '../runtime/backoff.ts';
import type { EndpointTable } from '../runtime/endpoints.ts';
import type { PersistedInstance } from '../runtime/instance.ts';
import { ReplicaSet, formatTransition } from '../runtime/replicaset.ts';
import type { ImageResolver } from '../runtime/registry.ts';
import { resolveEnv, type EnvSources } from './env.ts';
import type { PersistedRollout } from './persisted-rollout.ts';

export interface ControllerDeps {
  readonly images: ImageResolver;
  readonly endpoints: EndpointTable;
  readonly logDir: string;
  /** Current ConfigMaps, secrets and built-ins, read when a ReplicaSet's instances are created. */
  readonly envSources: () => EnvSources;
  /** Applies the Service selectors (rollouts-pod-template-hash) to the routers. */
  readonly setSelectors: (services: { readonly active?: string; readonly preview?: string }) => void;
  /** Something persisted or shown changed. */
  readonly onChange: () => void;
  readonly log: (line: string) => void;
  /** Each event as Argo Rollouts records it (reason, message): the engine writes core/v1 Events. */
  readonly onEvent?: (reason: string, message: string) => void;
  readonly backoff?: BackoffPolicy;
  readonly minimumGracePeriodSeconds?: number;
  readonly now?: () => Date;
  /** AnalysisRuns (engine/analysis-controller.ts); without it the core sees none and creates none. */
  readonly analysis?: AnalysisRuns;
}

/** The engine's AnalysisRuns as the Rollout controller uses them. */
export interface AnalysisRuns {
  summaries(rollout: string): AnalysisRunSummary[];
  /** The run objects of one Rollout (for the tree's α nodes). */
  objects(rollout: string): readonly AnalysisRunLike[];
  create(request: {
    readonly type: 'pre' | 'post';
    readonly name: string;
    readonly spec: RolloutSpec;
    readonly rolloutObject: unknown;
    readonly podTemplateHash: string;
    readonly revision: number;
    readonly stablePodHash?: string;
  }): void;
  cancel(name: string): void;
}

export interface RolloutEvent {
  readonly time: string;
  readonly message: string;
}

const MAX_EVENTS = 100;
/** Argo requeues after every status change; a bound keeps a bug from spinning the loop. */
const MAX_PASSES = 8;

export class RolloutController {
  spec: RolloutSpec;
  private base: string;
  private manifest: Record<string, unknown> | undefined;
  private status: ControllerStatus;
  private replicaSets: ReplicaSetState[];
  private readonly runtime = new Map<string, ReplicaSet>();
  /** CreateContainerConfigError per ReplicaSet hash (a missing secret or ConfigMap key). */
  private readonly configErrors = new Map<string, string>();
  private readonly events: RolloutEvent[] = [];
  private readonly createdAt: string;
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private stopped = false;
  private lastResult: ReconcileResult | undefined;
  others: readonly OtherObject[] = [];
  notes: readonly string[] = [];

  constructor(
    private readonly deps: ControllerDeps,
    spec: RolloutSpec,
    manifest: Record<string, unknown> | undefined,
    persisted?: PersistedRollout,
  ) {
    const fingerprint = specFingerprint(spec);
    // The live spec survives a restart unless deploy/ changed meanwhile (then deploy/ wins).
    this.spec = persisted?.spec && persisted.base === fingerprint ? persisted.spec : spec;
    this.base = fingerprint;
    this.manifest = manifest;
    this.status = persisted?.controller ?? initialControllerStatus();
    this.replicaSets = [...(persisted?.replicaSets ?? [])];
    this.createdAt = persisted?.createdAt ?? this.now().toISOString();
    if (persisted) this.adopt(persisted.instances);
  }

  get name(): string {
    return this.spec.name;
  }

  /** deploy/ changed: a new spec replaces the live one (and the verbs' changes on top of it). */
  setDeploySpec(spec: RolloutSpec, manifest: Record<string, unknown>): void {
    this.manifest = manifest;
    const fingerprint = specFingerprint(spec);
    if (fingerprint === this.base) return;
    this.base = fingerprint;
    this.spec = spec;
    this.record('SpecChanged', `deploy/ changed: Rollout spec ${fingerprint.slice(0, 10)}`);
    this.reconcile();
  }

  /**
   * GitOps mode: the live object changed (a sync, a heal, a patch): its spec is the spec, with no
   * fingerprint gate — the store, not this controller, holds the truth.
   */
  setLiveSpec(spec: RolloutSpec, manifest: Record<string, unknown>): void {
    this.manifest = manifest;
    const fingerprint = specFingerprint(spec);
    this.base = fingerprint;
    if (fingerprint === specFingerprint(this.spec)) return;
    this.spec = spec;
    this.record('SpecChanged', `live Rollout changed: spec ${fingerprint.slice(0, 10)}`);
    this.reconcile();
  }

  /** Reconciles every `tickMs` and right after any change an instance reports. */
  start(tickMs: number): void {
    this.timer = setInterval(() => this.reconcile(), tickMs);
    this.reconcile();
  }

  /** Schedules one reconcile soon (coalesces bursts of instance changes). */
  requestReconcile(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.reconcile();
    });
  }

  reconcile(): void {
    if (this.stopped) return;
    try {
      this.reconcilePasses();
    } catch (error) {
      // A bug in one reconcile must not take the routers (and live traffic) down with it.
      this.deps.log(
        `${this.spec.name}: reconcile failed, retrying on the next tick: ${(error as Error).stack ?? String(error)}`,
      );
    }
  }

  private reconcilePasses(): void {
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const result = reconcileBlueGreen({
        spec: this.spec,
        status: this.status,
        replicaSets: this.replicaSets,
        observed: this.observed(),
        instances: this.instances(),
        ...(this.deps.analysis ? { analysisRuns: this.deps.analysis.summaries(this.spec.name) } : {}),
        now: this.now(),
      });
      this.apply(result);
      if (!result.changed) return;
      this.deps.onChange();
    }
  }

  // --- verbs: core's transform, then reconcile at once so the switch happens within the call ---

  promote(full: boolean): string {
    return this.verb(promote(this.spec, this.status, { full }));
  }
  abort(): string {
    return this.verb(abort(this.spec, this.status));
  }
  retry(): string {
    return this.verb(retry(this.spec, this.status));
  }
  undo(toRevision: number | undefined): string {
    return this.verb(undo(this.spec, this.status, this.replicaSets, toRevision === undefined ? {} : { toRevision }));
  }
  restart(): string {
    return this.verb(restart(this.spec, this.status, this.now()));
  }
  /** Whether the controller's status was computed from its current spec (never reconciled counts, as upstream). */
  get observedSpec(): boolean {
    const observed = this.status.observedGeneration;
    return observed === undefined || observed === specFingerprint(this.spec);
  }

  /** An Argo CD resource action: its patches (computed from the live object) after the CLI verb's rules. */
  resourceAction(action: string, patches: { statusPatch?: object; objectPatch?: object }, now: Date): string {
    return this.verb(resourceAction(this.spec, this.status, action, patches, now));
  }

  private verb(result: {
    readonly spec: RolloutSpec;
    readonly status: ControllerStatus;
    readonly message: string;
  }): string {
    this.spec = result.spec;
    this.status = result.status;
    this.record('Verb', result.message);
    this.reconcile();
    this.deps.onChange();
    return result.message;
  }

  entry(): RolloutEntry & { readonly events: readonly RolloutEvent[] } {
    const state = { spec: this.spec, status: this.status, replicaSets: this.replicaSets, observed: this.observed() };
    const rollout = buildRolloutObject({
      ...state,
      ...(this.manifest ? { manifest: liveManifest(this.manifest, this.spec) } : {}),
    });
    const view = buildRolloutView({
      ...state,
      instances: this.instances(),
      now: this.now(),
      createdAt: this.createdAt,
      others: this.others,
      notes: this.notes,
      ...(this.deps.analysis ? { analysisRuns: this.deps.analysis.objects(this.spec.name) } : {}),
    });
    return { rollout, view, events: [...this.events] };
  }

  persisted(): PersistedRollout {
    return {
      schemaVersion: 1,
      rollout: this.spec.name,
      savedAt: this.now().toISOString(),
      engine: { pid: process.pid },
      createdAt: this.createdAt,
      spec: this.spec,
      base: this.base,
      controller: this.status,
      replicaSets: this.replicaSets,
      instances: [...this.runtime.values()].flatMap((rs) => rs.persisted()),
    };
  }

  /** When the next time-based transition is due, for tests and the console. */
  get nextReconcileAt(): string | undefined {
    return this.lastResult?.nextReconcileAt;
  }

  /** Engine shutdown: stop reconciling, then terminate every instance the Kubernetes way. */
  async shutdown(): Promise<void> {
    this.halt();
    await Promise.all([...this.runtime.values()].map((rs) => rs.shutdown()));
  }

  /** Stops reconciling and leaves the processes running (a restarted engine re-adopts them). */
  halt(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private apply(result: ReconcileResult): void {
    this.lastResult = result;
    this.status = result.status;
    this.replicaSets = [...result.replicaSets];
    for (const event of result.events) this.record('', event);
    this.deps.setSelectors(result.services);
    for (const rs of result.replicaSets) this.runtimeFor(rs)?.scale(rs.replicas);
    for (const hash of result.deletedReplicaSets) {
      const rs = this.runtime.get(hash);
      this.runtime.delete(hash);
      this.configErrors.delete(hash);
      void rs?.shutdown();
    }
    this.applyAnalysis(result);
    for (const name of result.restartInstances) {
      for (const rs of this.runtime.values()) if (rs.replace(name)) break;
    }
  }

  /** The AnalysisRuns the core asked for (created before the next pass reads them) and cancelled. */
  private applyAnalysis(result: ReconcileResult): void {
    const analysis = this.deps.analysis;
    if (!analysis) return;
    for (const name of result.analysisRuns.cancel) analysis.cancel(name);
    if (result.analysisRuns.create.length === 0) return;
    const hash = result.status.currentPodHash ?? '';
    const rs = result.replicaSets.find((r) => r.podTemplateHash === hash);
    const rolloutObject = this.entry().rollout;
    for (const { type, name } of result.analysisRuns.create) {
      analysis.create({
        type,
        name,
        spec: this.spec,
        rolloutObject,
        podTemplateHash: hash,
        revision: rs?.revision ?? 0,
        ...(result.status.stableRS ? { stablePodHash: result.status.stableRS } : {}),
      });
    }
  }

  /** The runtime ReplicaSet of a revision, created with its env resolved; undefined while the env cannot be. */
  private runtimeFor(rs: ReplicaSetState): ReplicaSet | undefined {
    const existing = this.runtime.get(rs.podTemplateHash);
    if (existing) return existing;
    if (rs.replicas === 0) return undefined;
    const env = resolveEnv(rs.container.env, this.deps.envSources());
    if (!env.ok) {
      if (this.configErrors.get(rs.podTemplateHash) !== env.message) {
        this.configErrors.set(rs.podTemplateHash, env.message);
        this.record('Failed', `${this.spec.name}-${rs.podTemplateHash}: ${env.reason}: ${env.message}`);
        this.deps.onChange();
      }
      return undefined;
    }
    this.configErrors.delete(rs.podTemplateHash);
    return this.createRuntime(rs, env.env);
  }

  private createRuntime(
    rs: Pick<ReplicaSetState, 'podTemplateHash' | 'container' | 'terminationGracePeriodSeconds'>,
    env: Record<string, string>,
  ): ReplicaSet {
    const runtime = new ReplicaSet({
      rolloutName: this.spec.name,
      podTemplateHash: rs.podTemplateHash,
      container: rs.container,
      terminationGracePeriodSeconds: rs.terminationGracePeriodSeconds,
      env,
      images: this.deps.images,
      endpoints: this.deps.endpoints,
      logDir: this.deps.logDir,
      ...(this.deps.backoff ? { backoff: this.deps.backoff } : {}),
      ...(this.deps.minimumGracePeriodSeconds === undefined
        ? {}
        : { minimumGracePeriodSeconds: this.deps.minimumGracePeriodSeconds }),
      onTransition: (t) => this.deps.log(formatTransition(t)),
      onChange: () => {
        this.deps.onChange();
        this.requestReconcile();
      },
    });
    this.runtime.set(rs.podTemplateHash, runtime);
    return runtime;
  }

  /** Re-adopts the live processes a previous engine recorded; dead ones are replaced by scaling. */
  private adopt(instances: readonly PersistedInstance[]): void {
    for (const rs of this.replicaSets) {
      const records = instances.filter((i) => i.podTemplateHash === rs.podTemplateHash);
      if (records.length === 0) continue;
      const env = resolveEnv(rs.container.env, this.deps.envSources());
      // The env only matters for replacements; adopted processes keep the env they started with.
      const runtime = this.createRuntime(rs, env.ok ? env.env : {});
      runtime.adopt(records);
      this.record(
        'Adopted',
        `${records.length} running instance(s) of ${this.spec.name}-${rs.podTemplateHash}: ${records.map((r) => `pid ${r.pid} on 127.0.0.1:${r.port}`).join(', ')}`,
      );
    }
  }

  private observed(): ReplicaSetObservation[] {
    return this.replicaSets.map(
      (rs) =>
        this.runtime.get(rs.podTemplateHash)?.observation() ?? {
          podTemplateHash: rs.podTemplateHash,
          replicas: 0,
          readyReplicas: 0,
          availableReplicas: 0,
        },
    );
  }

  /** Every instance with its pid and port (terminating ones too), plus config errors as pods would show them. */
  instances(): InstanceStatus[] {
    const live = [...this.runtime.values()].flatMap((rs) => rs.instances());
    // A ReplicaSet whose env cannot be resolved has no process; show why, as a pod would.
    const blocked: InstanceStatus[] = [...this.configErrors.entries()]
      .filter(([hash]) => !this.runtime.has(hash))
      .map(([hash, message]) => ({
        name: `${this.spec.name}-${hash}-config`,
        podTemplateHash: hash,
        state: 'Error',
        ready: false,
        restarts: 0,
        startedAt: this.createdAt,
        message: `CreateContainerConfigError: ${message}`,
      }));
    return [...live, ...blocked];
  }

  private record(reason: string, message: string): void {
    const line = reason ? `${reason}: ${message}` : message;
    // Core's events come as "Reason: message" (core/bluegreen/context.ts), the controller's own with a reason.
    const parsed = reason ? { reason, message } : /^([A-Z][A-Za-z]+): ([\s\S]*)$/.exec(message);
    if (parsed)
      this.deps.onEvent?.(
        Array.isArray(parsed) ? parsed[1]! : parsed.reason,
        Array.isArray(parsed) ? parsed[2]! : parsed.message,
      );
    this.events.push({ time: this.now().toISOString(), message: line });
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    this.deps.log(`${this.spec.name}: ${line}`);
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

/** The manifest with the live spec's verb changes (paused, restartAt, an undone template) on top. */
function liveManifest(manifest: Record<string, unknown>, spec: RolloutSpec): Record<string, unknown> {
  const written = (manifest.spec ?? {}) as Record<string, unknown>;
  const { paused: _paused, restartAt: _restartAt, ...rest } = written;
  return {
    ...manifest,
    spec: {
      ...rest,
      template: spec.template,
      ...(spec.paused ? { paused: true } : {}),
      ...(spec.restartAt === undefined ? {} : { restartAt: spec.restartAt }),
    },
  };
}
