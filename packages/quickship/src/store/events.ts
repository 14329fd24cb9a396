// Kubernetes Events (core/v1 Event) in the live store, as the controllers in a cluster record
// them: the application controller's OperationStarted / ResourceUpdated / OperationCompleted on an
// Application, the Rollouts controller's RolloutUpdated, ScalingReplicaSet, SwitchService,
// RolloutPaused, RolloutAborted… on a Rollout. `kubectl describe` and Argo CD's UI show these;
// here `GET /api/v1/objects?kind=Event` and the console's timeline read them.
//
// As the API server's event recorder does, a repeat of the newest event of the same object
// (same reason, message and source) raises its `count` and `lastTimestamp` instead of adding one;
// and as the API server's event TTL does (1 h by default), old events go — here the oldest beyond
// MAX_EVENTS_PER_OBJECT per involved object, so a long-running engine keeps a bounded store.
import type { ObjectStore } from './object-store.ts';
import type { KubeObject } from './object.ts';

export const MAX_EVENTS_PER_OBJECT = 100;

export interface EventInfo {
  readonly reason: string;
  readonly message: string;
  /** Normal (default) or Warning, as core/v1 EventType. */
  readonly type?: 'Normal' | 'Warning';
  /** core/v1 Event.action: what was done (e.g. "self-heal"); optional. */
  readonly action?: string;
}

export interface EventObject extends KubeObject {
  readonly involvedObject: { apiVersion: string; kind: string; name: string; namespace?: string; uid?: string };
  readonly reason: string;
  readonly message: string;
  readonly type: 'Normal' | 'Warning';
  readonly count: number;
  readonly firstTimestamp: string;
  readonly lastTimestamp: string;
  readonly source: { component: string };
  readonly action?: string;
}

export class EventRecorder {
  private sequence = 0;

  constructor(
    private readonly store: ObjectStore,
    /** The reporting controller, e.g. "argocd-application-controller", "rollouts-controller". */
    private readonly component: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records an event on `involved` (which must be in the store: its uid is referenced). */
  record(involved: KubeObject, info: EventInfo): void {
    const namespace = involved.metadata.namespace ?? 'default';
    const at = this.now().toISOString();
    const mine = this.eventsOf(involved);
    const newest = mine.at(-1);
    if (
      newest &&
      newest.reason === info.reason &&
      newest.message === info.message &&
      newest.source.component === this.component
    ) {
      this.store.patch(
        { group: '', kind: 'Event', namespace, name: newest.metadata.name },
        { count: newest.count + 1, lastTimestamp: at },
        this.component,
      );
      return;
    }
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      // The API server's naming: <involved name>.<unique hex suffix>.
      metadata: {
        name: `${involved.metadata.name}.${Date.parse(at).toString(16)}${(this.sequence++ % 4096).toString(16).padStart(3, '0')}`,
        namespace,
      },
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        name: involved.metadata.name,
        ...(involved.metadata.namespace ? { namespace: involved.metadata.namespace } : {}),
        ...(involved.metadata.uid ? { uid: involved.metadata.uid } : {}),
      },
      reason: info.reason,
      message: info.message,
      type: info.type ?? 'Normal',
      count: 1,
      firstTimestamp: at,
      lastTimestamp: at,
      source: { component: this.component },
      ...(info.action ? { action: info.action } : {}),
    } as unknown as KubeObject;
    this.store.apply(event, this.component);
    const excess = mine.length + 1 - MAX_EVENTS_PER_OBJECT;
    for (const old of mine.slice(0, Math.max(0, excess)))
      this.store.delete({ group: '', kind: 'Event', namespace, name: old.metadata.name }, this.component);
  }

  /** This object's events, oldest first. */
  private eventsOf(involved: KubeObject): EventObject[] {
    return (this.store.list({ kind: 'Event', namespace: involved.metadata.namespace ?? 'default' }) as EventObject[])
      .filter(
        (e) =>
          e.involvedObject?.kind === involved.kind &&
          e.involvedObject.name === involved.metadata.name &&
          e.involvedObject.apiVersion === involved.apiVersion,
      )
      .sort(
        (a, b) => a.firstTimestamp.localeCompare(b.firstTimestamp) || a.metadata.name.localeCompare(b.metadata.name),
      );
  }
}
