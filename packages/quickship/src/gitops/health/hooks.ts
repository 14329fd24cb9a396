// Which objects are sync hooks, as gitops-engine decides (pkg/sync/hook, hook/helm, ignore): hooks
// are left out of an Application's health, and a Pod that is a hook keeps its restart-policy rule.
import type { KubeObject } from '../../store/object.ts';

export const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
export const HELM_HOOK_ANNOTATION = 'helm.sh/hook';
/** Argo CD keeps a hook being deleted until its phase completes; such an object is not "Pending deletion". */
export const HOOK_FINALIZER = 'argocd.argoproj.io/hook-finalizer';

export type HookType = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail' | 'Skip';

const ARGO_HOOK_TYPES: ReadonlySet<string> = new Set(['PreSync', 'Sync', 'PostSync', 'SyncFail', 'Skip']);
/** Helm's hook names that Argo CD maps to its own phases; any other Helm hook has no Argo type. */
const HELM_HOOK_TYPES = new Map<string, HookType>([
  ['pre-install', 'PreSync'],
  ['pre-upgrade', 'PreSync'],
  ['post-upgrade', 'PostSync'],
  ['post-install', 'PostSync'],
]);

/** An annotation's comma-separated values, trimmed, empty ones dropped, de-duplicated. */
function annotationValues(obj: KubeObject, key: string): string[] {
  const raw = obj.metadata.annotations?.[key] ?? '';
  return [...new Set(raw.split(',').map((v) => v.trim()))].filter((v) => v !== '');
}

/** The hook types of an object; Helm's hook annotation counts only when Argo CD's own yields none. */
export function hookTypes(obj: KubeObject): HookType[] {
  const argo = annotationValues(obj, HOOK_ANNOTATION).filter((v): v is HookType => ARGO_HOOK_TYPES.has(v));
  if (argo.length > 0) return argo;
  return annotationValues(obj, HELM_HOOK_ANNOTATION).flatMap((v) => HELM_HOOK_TYPES.get(v) ?? []);
}

/** `hook: Skip` alone means "do not apply this object at all". */
export function isSkipped(obj: KubeObject): boolean {
  const types = hookTypes(obj);
  return types.includes('Skip') && types.length === 1;
}

export function isHook(obj: KubeObject): boolean {
  const annotations = obj.metadata.annotations ?? {};
  if (HOOK_ANNOTATION in annotations) return !isSkipped(obj);
  // Helm marks CRDs with the same annotation; those are not hooks.
  const helm = annotations[HELM_HOOK_ANNOTATION];
  return helm !== undefined && helm !== 'crd-install';
}

/** A hook annotation naming no type Argo CD knows: the object is ignored (gitops-engine ignore.Ignore). */
export function isIgnored(obj: KubeObject): boolean {
  return isHook(obj) && hookTypes(obj).length === 0;
}

export function hasHookFinalizer(obj: KubeObject): boolean {
  return obj.metadata.finalizers?.includes(HOOK_FINALIZER) ?? false;
}
