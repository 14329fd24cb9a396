// The shape every live object has in the local store, as on a Kubernetes API server: apiVersion,
// kind, metadata (with the server-managed generation/resourceVersion/uid/creationTimestamp), and
// whatever else the kind carries (spec, status, data, …). Controllers, health, diff and the API
// all speak this one shape, so "the same objects in both places" holds for every kind.

export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
  readonly blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  /** Bumped by the store when anything but metadata/status changes (as the API server does for CRDs with a status subresource). */
  readonly generation?: number;
  /** Opaque; changes on every write. */
  readonly resourceVersion?: string;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly OwnerReference[];
  readonly finalizers?: readonly string[];
  readonly [key: string]: unknown;
}

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly spec?: unknown;
  readonly status?: unknown;
  readonly [key: string]: unknown;
}

/** Argo CD's health statuses (gitops-engine `health.HealthStatusCode`). */
export type HealthStatusCode = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export interface HealthStatus {
  readonly status: HealthStatusCode;
  readonly message?: string;
}

/** The group of an apiVersion ("" for the core group): "argoproj.io/v1alpha1" → "argoproj.io". */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** A stable key for one object: group/Kind/namespace/name (version-independent, as Argo CD keys resources). */
export function objectKey(object: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  return `${groupOf(object.apiVersion)}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}
