// A ReplicaSet: keeps N instances of one pod template hash, publishes their endpoints, and
// reports what the pure reconcile needs (ReplicaSetObservation) and what status shows
// (InstanceStatus[], terminating ones included until they are gone).
// Each instance's health is logged on every change with kamal-proxy's target states:
// Adding (starting, never ready) → Healthy (ready) → Unhealthy (not ready, crashed) → Draining.
import { randomInt } from 'node:crypto';
import type { ContainerSpec, InstanceStatus, ReplicaSetObservation } from '../model.ts';
import type { BackoffPolicy } from './backoff.ts';
import type { EndpointTable } from './endpoints.ts';
import { Instance, type PersistedInstance } from './instance.ts';
import type { ImageResolver } from './registry.ts';
import { scaleDownOrder } from './scale-down.ts';

export type TargetHealth = 'Adding' | 'Healthy' | 'Unhealthy' | 'Draining';

export interface TargetTransition {
  readonly at: string;
  readonly replicaSet: string;
  readonly instance: string;
  readonly from?: TargetHealth;
  readonly to: TargetHealth;
  readonly status: InstanceStatus;
}

export interface ReplicaSetOptions {
  readonly rolloutName: string;
  readonly podTemplateHash: string;
  readonly container: ContainerSpec;
  readonly terminationGracePeriodSeconds: number;
  /** The container environment, resolved by the engine (secrets, config maps, DATABASE_URL…). */
  readonly env: Readonly<Record<string, string>>;
  readonly images: ImageResolver;
  readonly endpoints: EndpointTable;
  readonly logDir: string;
  readonly backoff?: BackoffPolicy;
  readonly minimumGracePeriodSeconds?: number;
  readonly onTransition?: (transition: TargetTransition) => void;
  /** Any instance change (for persisting state or pushing status). */
  readonly onChange?: () => void;
}

export function targetHealth(status: InstanceStatus): TargetHealth {
  if (status.state === 'Terminating') return 'Draining';
  if (status.ready) return 'Healthy';
  if (status.state === 'Pending' && status.restarts === 0) return 'Adding';
  return 'Unhealthy';
}

export function formatTransition(t: TargetTransition): string {
  const where = t.status.port === undefined ? '' : ` 127.0.0.1:${t.status.port}`;
  const why = t.status.message ? ` (${t.status.message})` : '';
  return `${t.at} ${t.replicaSet} ${t.instance}${where}: ${t.from ?? 'new'} -> ${t.to}${why}`;
}

// The alphabet Kubernetes uses for generated name suffixes (no vowels, no look-alikes).
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export class ReplicaSet {
  /** "<rollout>-<pod-template-hash>", the ReplicaSet name Argo gives. */
  readonly name: string;
  readonly podTemplateHash: string;
  private desired = 0;
  private readonly active: Instance[] = [];
  private readonly draining = new Map<Instance, Promise<void>>();
  private readonly health = new Map<string, TargetHealth>();

  constructor(private readonly options: ReplicaSetOptions) {
    this.podTemplateHash = options.podTemplateHash;
    this.name = `${options.rolloutName}-${options.podTemplateHash}`;
  }

  get replicas(): number {
    return this.desired;
  }

  /** Sets the desired count and creates or deletes instances now (not-ready first, then newest). */
  scale(replicas: number): void {
    if (!Number.isInteger(replicas) || replicas < 0)
      throw new RangeError(`replicas must be a non-negative integer, got ${replicas}`);
    this.desired = replicas;
    while (this.active.length < replicas) this.create().start();
    if (this.active.length > replicas) {
      const victims = scaleDownOrder(this.active.map((instance) => candidate(instance))).slice(
        0,
        this.active.length - replicas,
      );
      for (const victim of victims) this.delete(victim.instance, 'scaled down');
    }
  }

  /** Takes over processes recorded by a previous engine; `scale` then tops up or trims. */
  adopt(records: readonly PersistedInstance[]): void {
    for (const record of records) {
      if (record.podTemplateHash !== this.podTemplateHash) continue;
      this.create(record.name).adopt(record);
    }
  }

  /** Deletes one instance (e.g. `restart`); the ReplicaSet creates a replacement. */
  replace(name: string): boolean {
    const instance = this.active.find((i) => i.name === name);
    if (!instance) return false;
    this.delete(instance, 'replaced');
    this.scale(this.desired);
    return true;
  }

  observation(): ReplicaSetObservation {
    const statuses = this.active.map((instance) => instance.status());
    const readyReplicas = statuses.filter((s) => s.ready).length;
    return {
      podTemplateHash: this.podTemplateHash,
      replicas: statuses.length,
      readyReplicas,
      availableReplicas: readyReplicas,
    };
  }

  /** Every instance, terminating ones included until their process is gone. */
  instances(): InstanceStatus[] {
    return [...this.active, ...this.draining.keys()].map((instance) => instance.status());
  }

  persisted(): PersistedInstance[] {
    return [...this.active, ...this.draining.keys()].flatMap((instance) => instance.persisted() ?? []);
  }

  /** Resolves when every instance being deleted has stopped. */
  async settled(): Promise<void> {
    while (this.draining.size > 0) await Promise.all(this.draining.values());
  }

  /** Scales to zero and waits until every process has stopped (engine shutdown). */
  async shutdown(): Promise<void> {
    this.scale(0);
    await this.settled();
  }

  private create(name = this.instanceName()): Instance {
    const { options } = this;
    const instance = new Instance({
      name,
      podTemplateHash: this.podTemplateHash,
      container: options.container,
      terminationGracePeriodSeconds: options.terminationGracePeriodSeconds,
      env: options.env,
      images: options.images,
      logDir: options.logDir,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.minimumGracePeriodSeconds === undefined
        ? {}
        : { minimumGracePeriodSeconds: options.minimumGracePeriodSeconds }),
      onChange: (status) => this.changed(status),
    });
    this.active.push(instance);
    this.changed(instance.status());
    return instance;
  }

  private delete(instance: Instance, reason: string): void {
    this.active.splice(this.active.indexOf(instance), 1);
    const done = instance.terminate(reason).finally(() => {
      this.draining.delete(instance);
      this.options.endpoints.delete(instance.name);
      this.health.delete(instance.name);
      this.options.onChange?.();
    });
    this.draining.set(instance, done);
  }

  /** Runs synchronously inside the instance's change: the endpoint is updated before anything else happens. */
  private changed(status: InstanceStatus): void {
    const { endpoints } = this.options;
    if (status.port !== undefined) {
      endpoints.set({
        name: status.name,
        host: '127.0.0.1',
        port: status.port,
        podTemplateHash: status.podTemplateHash,
        ready: status.ready,
        terminating: status.state === 'Terminating',
      });
    }
    const to = targetHealth(status);
    const from = this.health.get(status.name);
    if (from !== to) {
      this.health.set(status.name, to);
      this.options.onTransition?.({
        at: new Date().toISOString(),
        replicaSet: this.name,
        instance: status.name,
        ...(from ? { from } : {}),
        to,
        status,
      });
    }
    this.options.onChange?.();
  }

  private instanceName(): string {
    for (;;) {
      let suffix = '';
      for (let i = 0; i < 5; i++) suffix += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
      const name = `${this.name}-${suffix}`;
      if (!this.active.some((i) => i.name === name) && ![...this.draining.keys()].some((i) => i.name === name))
        return name;
    }
  }
}

function candidate(instance: Instance) {
  const status = instance.status();
  return {
    instance,
    name: instance.name,
    started: status.pid !== undefined,
    ready: status.ready,
    ...(instance.readySinceMs === undefined ? {} : { readySinceMs: instance.readySinceMs }),
    restarts: status.restarts,
    createdAtMs: instance.createdAt,
  };
}
