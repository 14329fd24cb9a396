// argoproj.io Application as a resource of another Application (app of apps). Argo CD removed the
// built-in check in 1.8 (argo-cd#3781): by default a child Application has no health and does not
// affect its parent. docs/operator-manual/health.md gives the customization to put back in
// argocd-cm (`resource.customizations.health.argoproj.io_Application`); this is that script, used
// only when asked for. Our infra/argocd.tf does not set it, so the cluster has the default.
import type { HealthStatus, KubeObject } from '../../store/object.ts';
import { record } from './fields.ts';
import { scriptResult } from './lua.ts';

/** The documented customization: the child's own status.health, Progressing until it has one. */
export function applicationHealthFromStatus(obj: KubeObject): HealthStatus {
  const health = record(record(obj.status)?.health);
  if (health === undefined) return { status: 'Progressing', message: '' };
  return scriptResult(health.status, typeof health.message === 'string' ? health.message : '');
}
