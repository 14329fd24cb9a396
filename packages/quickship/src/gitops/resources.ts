// Desired resources of an Application: the manifests at the resolved commit turned into objects
// the way Argo CD's controller treats them — namespaced objects without a namespace get the
// destination namespace, every object carries the tracking annotation (Argo CD 3's default
// `annotation` tracking: argocd.argoproj.io/tracking-id = <app>:<group>/<kind>:<ns>/<name>),
// hooks are told apart by their annotations, and the AppProject's kind lists are enforced. Pure.
import { splitManifests } from '../core/manifests.ts';
import { groupOf, type KubeObject } from '../store/object.ts';
import { UserError } from '../errors.ts';
import { globMatch, type AppSpec, type ProjectRules } from './application.ts';
import type { SourceFile } from './git-source.ts';

export const TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';
export const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
export const HOOK_DELETE_POLICY_ANNOTATION = 'argocd.argoproj.io/hook-delete-policy';
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

export type HookPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail' | 'Skip';
export const HOOK_PHASES: readonly HookPhase[] = ['PreSync', 'Sync', 'PostSync', 'SyncFail', 'Skip'];
export type HookDeletePolicy = 'BeforeHookCreation' | 'HookSucceeded' | 'HookFailed';

/** Kinds that are not namespaced (the ones deploy/ and upstream examples use; others are namespaced). */
const CLUSTER_SCOPED = new Set([
  '/Namespace',
  '/PersistentVolume',
  '/Node',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'storage.k8s.io/StorageClass',
  'networking.k8s.io/IngressClass',
  'scheduling.k8s.io/PriorityClass',
  'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'external-secrets.io/ClusterSecretStore',
  'external-secrets.io/ClusterExternalSecret',
  'argoproj.io/ClusterAnalysisTemplate',
]);

export function isClusterScoped(apiVersion: string, kind: string): boolean {
  return CLUSTER_SCOPED.has(`${groupOf(apiVersion)}/${kind}`);
}

export interface DesiredResource {
  readonly object: KubeObject;
  readonly file: string;
  readonly wave: number;
  /** Hook phases (a hook is not a managed resource: it runs during a sync and is not diffed). */
  readonly hooks: readonly HookPhase[];
  readonly deletePolicies: readonly HookDeletePolicy[];
}

export class ManifestError extends UserError {
  constructor(message: string) {
    super(
      message,
      'fix the manifest in its typed definition (packages/manifests), `npm run render`, commit',
      'BadRequest',
    );
  }
}

export function trackingId(app: string, object: KubeObject): string {
  return `${app}:${groupOf(object.apiVersion)}/${object.kind}:${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/** The manifests of an Application at a commit → desired resources; throws ManifestError (a ComparisonError). */
export function desiredResources(app: AppSpec, project: ProjectRules, files: readonly SourceFile[]): DesiredResource[] {
  const out: DesiredResource[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    let docs;
    try {
      docs = splitManifests(file.text, file.path);
    } catch (error) {
      throw new ManifestError(`${file.path}: ${(error as Error).message}`);
    }
    for (const doc of docs) {
      const raw = doc.object as unknown as KubeObject;
      if (raw.apiVersion === 'kustomize.config.k8s.io/v1beta1') {
        throw new ManifestError(
          `${file.path}: a kustomization.yaml means Argo CD would run kustomize; QuickShip renders plain directories only`,
        );
      }
      if (typeof raw.apiVersion !== 'string' || typeof raw.kind !== 'string' || typeof raw.metadata?.name !== 'string')
        throw new ManifestError(
          `${file.path}:${doc.line}: not a Kubernetes object (apiVersion, kind and metadata.name are required)`,
        );
      const clusterScoped = isClusterScoped(raw.apiVersion, raw.kind);
      const namespace = clusterScoped ? undefined : (raw.metadata.namespace ?? (app.destinationNamespace || undefined));
      const annotations = { ...(raw.metadata.annotations ?? {}) };
      const hooks = parseHooks(annotations[HOOK_ANNOTATION], file.path);
      const object: KubeObject = {
        ...raw,
        metadata: {
          ...raw.metadata,
          ...(namespace ? { namespace } : {}),
          annotations,
        },
      };
      const tracked = hooks.length > 0 ? object : withTracking(app.name, object);
      const key = `${raw.apiVersion}/${raw.kind}/${namespace ?? ''}/${raw.metadata.name}`;
      if (seen.has(key))
        throw new ManifestError(`${file.path}: ${raw.kind}/${raw.metadata.name} is defined twice in the app's path`);
      seen.add(key);
      permitted(app, project, tracked, file.path);
      const waveText = annotations[SYNC_WAVE_ANNOTATION] ?? '0';
      const wave = Number.parseInt(String(waveText), 10);
      if (!Number.isFinite(wave)) throw new ManifestError(`${file.path}: sync-wave "${waveText}" is not an integer`);
      out.push({
        object: tracked,
        file: file.path,
        wave,
        hooks,
        deletePolicies: parseDeletePolicies(annotations[HOOK_DELETE_POLICY_ANNOTATION]),
      });
    }
  }
  return out;
}

function withTracking(app: string, object: KubeObject): KubeObject {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: { ...object.metadata.annotations, [TRACKING_ANNOTATION]: trackingId(app, object) },
    },
  };
}

function parseHooks(value: string | undefined, file: string): HookPhase[] {
  if (value === undefined) return [];
  const phases = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const phase of phases) {
    if (!HOOK_PHASES.includes(phase as HookPhase))
      throw new ManifestError(`${file}: hook "${phase}" is not one of ${HOOK_PHASES.join(', ')}`);
  }
  return phases as HookPhase[];
}

function parseDeletePolicies(value: string | undefined): HookDeletePolicy[] {
  // Argo CD: no policy given means BeforeHookCreation.
  if (value === undefined || value.trim() === '') return ['BeforeHookCreation'];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is HookDeletePolicy => ['BeforeHookCreation', 'HookSucceeded', 'HookFailed'].includes(s));
}

/** The AppProject's destination and kind rules (Argo CD refuses the whole sync otherwise). */
function permitted(app: AppSpec, project: ProjectRules, object: KubeObject, file: string): void {
  const group = groupOf(object.apiVersion);
  const matches = (list: readonly { group: string; kind: string }[]): boolean =>
    list.some((e) => globMatch(e.group, group) && globMatch(e.kind, object.kind));
  const clusterScoped = object.metadata.namespace === undefined;
  const where = `${group || 'core'}/${object.kind} ${object.metadata.name} (${file})`;
  if (clusterScoped) {
    if (!matches(project.clusterResourceWhitelist ?? []) || matches(project.clusterResourceBlacklist))
      throw new ManifestError(
        `${where}: cluster-scoped kind not permitted in AppProject "${project.name}" (clusterResourceWhitelist)`,
      );
    return;
  }
  if (
    (project.namespaceResourceWhitelist && !matches(project.namespaceResourceWhitelist)) ||
    matches(project.namespaceResourceBlacklist)
  )
    throw new ManifestError(
      `${where}: kind not permitted in AppProject "${project.name}" (namespaceResourceWhitelist)`,
    );
  const ns = object.metadata.namespace ?? '';
  if (
    !project.destinations.some(
      (d) => globMatch(d.namespace, ns) && (d.server === '' || globMatch(d.server, app.destinationServer)),
    )
  )
    throw new ManifestError(`${where}: namespace "${ns}" is not a destination of AppProject "${project.name}"`);
}

/** The project's sourceRepos must admit the Application's repoURL. */
export function sourcePermitted(app: AppSpec, project: ProjectRules): string | undefined {
  if (project.sourceRepos.some((pattern) => globMatch(pattern, app.repoURL))) return undefined;
  return `repository ${app.repoURL} is not permitted in AppProject "${project.name}" (sourceRepos: ${project.sourceRepos.join(', ') || 'none'})`;
}
