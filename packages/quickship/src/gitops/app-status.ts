// The Application status as Argo CD writes it (types.go ApplicationStatus): sync (status,
// revision, comparedTo), health, resources with per-resource sync and health, conditions,
// operationState and history. Built from the comparison and the operation; pure.
import type { HealthStatus, KubeObject } from '../store/object.ts';
import { groupOf } from '../store/object.ts';
import type { AppSpec } from './application.ts';
import type { ResourceDiff, SyncStatusCode } from './diff.ts';

export type OperationPhase = 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Terminating';

export interface ResourceResult {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Synced, SyncFailed, Pruned, PruneSkipped (resources); hooks carry hookPhase. */
  readonly status: 'Synced' | 'SyncFailed' | 'Pruned' | 'PruneSkipped';
  readonly message: string;
  readonly hookType?: string;
  readonly hookPhase?: 'Running' | 'Succeeded' | 'Failed';
  readonly syncPhase: string;
}

export interface OperationState {
  readonly operation: {
    readonly sync: { readonly revision: string; readonly prune: boolean; readonly syncOptions: readonly string[] };
    readonly initiatedBy: { readonly username?: string; readonly automated?: boolean };
    readonly retry?: { readonly limit: number };
  };
  readonly phase: OperationPhase;
  readonly message: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly retryCount?: number;
  readonly syncResult: { readonly revision: string; readonly resources: readonly ResourceResult[] };
}

export interface HistoryEntry {
  readonly id: number;
  readonly revision: string;
  readonly deployedAt: string;
  readonly deployStartedAt: string;
  readonly source: { readonly repoURL: string; readonly path: string; readonly targetRevision: string };
  readonly initiatedBy: { readonly username?: string; readonly automated?: boolean };
}

export interface AppCondition {
  readonly type: 'ComparisonError' | 'SyncError' | 'InvalidSpecError' | 'UnknownError' | 'OrphanedResourceWarning';
  readonly message: string;
  readonly lastTransitionTime: string;
}

export interface ResourceStatus {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly status: SyncStatusCode;
  readonly health?: HealthStatus & { readonly local?: string };
  readonly requiresPruning?: boolean;
  readonly hook?: boolean;
}

export interface ApplicationStatus {
  readonly sync: {
    readonly status: SyncStatusCode;
    readonly revision?: string;
    readonly comparedTo: { readonly source: Record<string, unknown>; readonly destination: Record<string, unknown> };
  };
  readonly health: HealthStatus;
  readonly resources: readonly ResourceStatus[];
  readonly conditions?: readonly AppCondition[];
  readonly operationState?: OperationState;
  readonly history?: readonly HistoryEntry[];
  readonly reconciledAt: string;
  readonly sourceType: 'Directory';
  readonly summary: { readonly images?: readonly string[] };
  /** QuickShip's local notes: repo mapping, uncommitted files, unsupported fields, cluster-only objects. */
  readonly localNotes?: readonly string[];
  /** The commit's subject line (the console shows it beside the revision). */
  readonly revisionSubject?: string;
}

export function versionOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
}

export function resourceRef(
  object: KubeObject,
): Pick<ResourceStatus, 'group' | 'version' | 'kind' | 'namespace' | 'name'> {
  return {
    group: groupOf(object.apiVersion),
    version: versionOf(object.apiVersion),
    kind: object.kind,
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    name: object.metadata.name,
  };
}

export function appSyncStatus(diffs: readonly ResourceDiff[]): SyncStatusCode {
  return diffs.some((d) => d.status === 'OutOfSync') ? 'OutOfSync' : 'Synced';
}

export function comparedTo(app: AppSpec): ApplicationStatus['sync']['comparedTo'] {
  return {
    source: { repoURL: app.repoURL, path: app.path, targetRevision: app.targetRevision },
    destination: { server: app.destinationServer, namespace: app.destinationNamespace },
  };
}

/** Container images of the app's workloads, as status.summary.images. */
export function imagesOf(objects: readonly KubeObject[]): string[] {
  const images = new Set<string>();
  const visit = (value: unknown, key: string): void => {
    if (Array.isArray(value)) for (const v of value) visit(v, key);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if ((k === 'containers' || k === 'initContainers') && Array.isArray(v)) {
          for (const c of v)
            if (c && typeof c === 'object' && typeof (c as { image?: unknown }).image === 'string')
              images.add((c as { image: string }).image);
        } else visit(v, k);
      }
    }
  };
  for (const o of objects) visit(o.spec, 'spec');
  return [...images].sort();
}
