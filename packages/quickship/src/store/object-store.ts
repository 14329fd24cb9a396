// The live state: every object the local controllers work from, in its Kubernetes shape, in one
// place — the local stand-in for the API server. Writes stamp what the API server stamps (uid,
// creationTimestamp, resourceVersion on every write, generation when anything outside metadata
// and status changes) and record field ownership (store/fields.ts), so a server-side diff can
// tell Git's fields from a controller's or a user's. Watchers hear every change, as a watch
// stream would. Persistence is a callback: the store itself does no I/O.
import { randomUUID } from 'node:crypto';
import { apply, update } from './fields.ts';
import { applyMergePatch as mergePatch } from '../core/merge-patch.ts';
import { objectKey, type KubeObject } from './object.ts';
import { UserError } from '../errors.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  readonly type: WatchEventType;
  readonly object: KubeObject;
  /** The field manager that made the change. */
  readonly manager: string;
}

export interface ObjectRef {
  readonly apiVersion?: string;
  /** The API group ('' for core); derived from apiVersion when absent. */
  readonly group?: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export class ObjectNotFoundError extends UserError {
  constructor(ref: ObjectRef) {
    super(
      `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} not found`,
      'list what exists with `quickship app get <app>` or GET /api/v1/objects',
      'NotFound',
    );
  }
}

export class InvalidObjectError extends UserError {
  constructor(message: string) {
    super(message, 'send a Kubernetes object with apiVersion, kind and metadata.name', 'BadRequest');
  }
}

export interface StoreSnapshot {
  readonly resourceVersion: number;
  readonly objects: readonly KubeObject[];
}

export class ObjectStore {
  private readonly objects = new Map<string, KubeObject>();
  private readonly watchers = new Set<(event: WatchEvent) => void>();
  private version = 0;

  constructor(
    snapshot?: StoreSnapshot,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (snapshot) {
      this.version = snapshot.resourceVersion;
      for (const object of snapshot.objects) this.objects.set(objectKey(object), object);
    }
  }

  snapshot(): StoreSnapshot {
    return { resourceVersion: this.version, objects: [...this.objects.values()] };
  }

  get(ref: ObjectRef): KubeObject | undefined {
    return this.objects.get(keyOf(ref));
  }

  mustGet(ref: ObjectRef): KubeObject {
    const object = this.get(ref);
    if (!object) throw new ObjectNotFoundError(ref);
    return object;
  }

  list(filter: Partial<Pick<ObjectRef, 'kind' | 'namespace' | 'group'>> = {}): KubeObject[] {
    return [...this.objects.values()].filter(
      (o) =>
        (filter.kind === undefined || o.kind === filter.kind) &&
        (filter.namespace === undefined || (o.metadata.namespace ?? '') === filter.namespace) &&
        (filter.group === undefined || objectKey(o).split('/')[0] === filter.group),
    );
  }

  /** Server-side apply by `manager` (Argo CD's sync with ServerSideApply=true). */
  apply(desired: KubeObject, manager: string): KubeObject {
    validate(desired);
    const live = this.objects.get(objectKey(desired));
    return this.write(live, apply(live, desired, manager, this.now().toISOString()), manager);
  }

  /** A JSON merge patch by `manager` (kubectl patch --type merge; the plugin's and Argo CD's actions). */
  patch(ref: ObjectRef, patch: unknown, manager: string): KubeObject {
    const live = this.mustGet(ref);
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
      throw new InvalidObjectError('a merge patch must be a JSON object');
    const next = mergePatch(live, patch) as KubeObject;
    if (next.kind !== live.kind || next.metadata?.name !== live.metadata.name)
      throw new InvalidObjectError('a patch cannot change kind or metadata.name');
    return this.write(live, update(live, next, manager, this.now().toISOString()), manager);
  }

  /** Replaces the status only (the /status subresource): controllers report, never touch spec. */
  setStatus(ref: ObjectRef, status: unknown, manager: string): KubeObject | undefined {
    const live = this.get(ref);
    if (!live) return undefined;
    if (JSON.stringify(live.status) === JSON.stringify(status)) return live;
    const next = { ...live } as Record<string, unknown>;
    if (status === undefined) delete next.status;
    else next.status = status;
    return this.write(live, next as KubeObject, manager);
  }

  delete(ref: ObjectRef, manager: string): KubeObject | undefined {
    const key = keyOf(ref);
    const live = this.objects.get(key);
    if (!live) return undefined;
    this.objects.delete(key);
    this.version++;
    this.emit({ type: 'DELETED', object: live, manager });
    return live;
  }

  watch(listener: (event: WatchEvent) => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  private write(live: KubeObject | undefined, next: KubeObject, manager: string): KubeObject {
    const stamped = this.stamp(live, next);
    if (live && sameContent(live, stamped)) return live;
    this.version++;
    const written: KubeObject = {
      ...stamped,
      metadata: { ...stamped.metadata, resourceVersion: String(this.version) },
    };
    this.objects.set(objectKey(written), written);
    this.emit({ type: live ? 'MODIFIED' : 'ADDED', object: written, manager });
    return written;
  }

  /** uid, creationTimestamp and generation as the API server keeps them. */
  private stamp(live: KubeObject | undefined, next: KubeObject): KubeObject {
    const specChanged =
      !live || JSON.stringify(withoutMetaAndStatus(live)) !== JSON.stringify(withoutMetaAndStatus(next));
    const generation = live ? (live.metadata.generation ?? 1) + (specChanged ? 1 : 0) : 1;
    return {
      ...next,
      metadata: {
        ...next.metadata,
        uid: live?.metadata.uid ?? randomUUID(),
        creationTimestamp:
          live?.metadata.creationTimestamp ??
          this.now()
            .toISOString()
            .replace(/\.\d+Z$/, 'Z'),
        generation,
        ...(live?.metadata.resourceVersion ? { resourceVersion: live.metadata.resourceVersion } : {}),
      },
    };
  }

  private emit(event: WatchEvent): void {
    for (const watcher of this.watchers) {
      try {
        watcher(event);
      } catch {
        // a watcher's bug must not stop the write or the other watchers
      }
    }
  }
}

function validate(object: KubeObject): void {
  if (!object || typeof object !== 'object') throw new InvalidObjectError('an object is required');
  if (typeof object.apiVersion !== 'string' || object.apiVersion === '')
    throw new InvalidObjectError('apiVersion is required');
  if (typeof object.kind !== 'string' || object.kind === '') throw new InvalidObjectError('kind is required');
  if (typeof object.metadata?.name !== 'string' || object.metadata.name === '')
    throw new InvalidObjectError(`${object.kind}: metadata.name is required`);
}

function keyOf(ref: ObjectRef): string {
  const group = ref.group ?? (ref.apiVersion?.includes('/') ? ref.apiVersion.split('/')[0] : '');
  return `${group}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

function withoutMetaAndStatus(object: KubeObject): unknown {
  const { metadata: _m, status: _s, ...rest } = object;
  return rest;
}

function sameContent(a: KubeObject, b: KubeObject): boolean {
  // managedFields' times move on every write; a write that changes nothing else is no write.
  const strip = (o: KubeObject): string =>
    JSON.stringify({
      ...o,
      metadata: {
        ...o.metadata,
        resourceVersion: undefined,
        managedFields: (o.metadata.managedFields as { time?: string }[] | undefined)?.map((e) => ({
          ...e,
          time: undefined,
        })),
      },
    });
  return strip(a) === strip(b);
}
