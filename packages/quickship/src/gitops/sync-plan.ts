// A sync as an explicit plan (gitops-engine pkg/sync): tasks sorted by a total order — hook
// phase (PreSync, Sync, PostSync), then sync wave, then kind (gitops-engine's kindOrder:
// Namespace first … Ingress, APIService; unknown kinds after, by name), then name — advanced one
// step per reconcile, so a sync can be observed, resumed and terminated. Prune tasks run in their
// wave, or after everything with PruneLast. SyncFail hooks are a separate list, run on failure. Pure.
import { groupOf, type KubeObject } from '../store/object.ts';
import type { DesiredResource, HookDeletePolicy } from './resources.ts';

export type SyncPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';
const PHASE_ORDER: Record<SyncPhase, number> = { PreSync: 0, Sync: 1, PostSync: 2, SyncFail: 3 };

const KIND_ORDER = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
];

export type TaskAction = 'apply' | 'prune' | 'hook';

export interface SyncTask {
  /** group/Kind/namespace/name, unique within a plan. */
  readonly id: string;
  readonly phase: SyncPhase;
  readonly wave: number;
  readonly action: TaskAction;
  readonly object: KubeObject;
  readonly deletePolicies: readonly HookDeletePolicy[];
}

export interface SyncPlan {
  readonly tasks: readonly SyncTask[];
  readonly syncFail: readonly SyncTask[];
}

export function taskId(object: KubeObject): string {
  return `${groupOf(object.apiVersion)}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

export function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

export function compareTasks(a: SyncTask, b: SyncTask): number {
  return (
    PHASE_ORDER[a.phase] - PHASE_ORDER[b.phase] ||
    a.wave - b.wave ||
    // Prunes go in reverse kind order within their wave (things that use others go first).
    (a.action === 'prune' && b.action === 'prune' ? kindRank(b.object.kind) - kindRank(a.object.kind) : 0) ||
    kindRank(a.object.kind) - kindRank(b.object.kind) ||
    (kindRank(a.object.kind) === KIND_ORDER.length ? a.object.kind.localeCompare(b.object.kind) : 0) ||
    a.object.metadata.name.localeCompare(b.object.metadata.name)
  );
}

export interface PlanInput {
  readonly desired: readonly DesiredResource[];
  /** Live objects tracked by the app that Git no longer has. */
  readonly orphans: readonly KubeObject[];
  /** Apply only these resource ids (out-of-sync ones for auto-sync with ApplyOutOfSyncOnly; all by default). */
  readonly prune: boolean;
  readonly pruneLast: boolean;
}

export function planSync(input: PlanInput): SyncPlan {
  const tasks: SyncTask[] = [];
  const syncFail: SyncTask[] = [];
  const maxWave = Math.max(0, ...input.desired.map((d) => d.wave));
  for (const resource of input.desired) {
    const base = { wave: resource.wave, object: resource.object, deletePolicies: resource.deletePolicies };
    if (resource.hooks.length === 0) {
      tasks.push({ ...base, id: taskId(resource.object), phase: 'Sync', action: 'apply' });
      continue;
    }
    for (const hook of resource.hooks) {
      if (hook === 'Skip') continue;
      const task: SyncTask = { ...base, id: `${hook}:${taskId(resource.object)}`, phase: hook, action: 'hook' };
      if (hook === 'SyncFail') syncFail.push(task);
      else tasks.push(task);
    }
  }
  if (input.prune) {
    for (const orphan of input.orphans) {
      const wave = input.pruneLast ? maxWave + 1 : waveOf(orphan);
      tasks.push({ id: taskId(orphan), phase: 'Sync', wave, action: 'prune', object: orphan, deletePolicies: [] });
    }
  }
  return { tasks: tasks.sort(compareTasks), syncFail: syncFail.sort(compareTasks) };
}

function waveOf(object: KubeObject): number {
  const n = Number.parseInt(String(object.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? '0'), 10);
  return Number.isFinite(n) ? n : 0;
}

/** The tasks of the first (phase, wave) step that is not complete, given which task ids are done. */
export function nextStep(plan: SyncPlan, done: ReadonlySet<string>): readonly SyncTask[] {
  const first = plan.tasks.find((t) => !done.has(t.id));
  if (!first) return [];
  return plan.tasks.filter((t) => t.phase === first.phase && t.wave === first.wave);
}
