// One object's health, as Argo CD assesses it (gitops-engine pkg/health GetResourceHealth with
// Argo CD's built-in Lua checks in front): an object being deleted is Progressing; then a built-in
// Lua check for its group/kind if Argo CD ships one (ported to TypeScript here); then gitops-engine's
// own check. undefined means Argo CD has no check for the kind: it does not affect the app's health.
import { groupOf, type HealthStatus, type HealthStatusCode, type KubeObject } from '../../store/object.ts';
import { analysisRunHealth } from './analysisrun.ts';
import { apiServiceHealth } from './apiservice.ts';
import { applicationHealthFromStatus } from './application.ts';
import { applicationSetHealth } from './applicationset.ts';
import { daemonSetHealth } from './daemonset.ts';
import { deploymentHealth } from './deployment.ts';
import { EXTERNAL_SECRETS_KINDS, externalSecretsHealth } from './external-secrets.ts';
import { hasHookFinalizer } from './hooks.ts';
import { horizontalPodAutoscalerHealth } from './hpa.ts';
import { ingressHealth } from './ingress.ts';
import { jobHealth } from './job.ts';
import { podDisruptionBudgetHealth } from './pod-disruption-budget.ts';
import { podHealth } from './pod.ts';
import { prometheusHealth } from './prometheus.ts';
import { persistentVolumeClaimHealth } from './pvc.ts';
import { replicaSetHealth } from './replicaset.ts';
import { rolloutHealth } from './rollout.ts';
import { serviceHealth } from './service.ts';
import { statefulSetHealth } from './statefulset.ts';
import { workflowHealth } from './workflow.ts';

export interface HealthOptions {
  /**
   * Assess child Applications from their status.health, as the argocd-cm customization in Argo CD's
   * docs does. Off by default: stock Argo CD (and our infra/argocd.tf) has no Application check.
   */
  readonly applicationHealthFromStatus?: boolean;
}

type Check = (obj: KubeObject) => HealthStatus | undefined;

/** Argo CD's built-in Lua checks that are ported here, by "group/Kind" (they take precedence over Go checks). */
const LUA_CHECKS = new Map<string, Check>([
  ['argoproj.io/Rollout', rolloutHealth],
  ['argoproj.io/AnalysisRun', analysisRunHealth],
  ['argoproj.io/ApplicationSet', applicationSetHealth],
  ...[...EXTERNAL_SECRETS_KINDS].map((kind): [string, Check] => [`external-secrets.io/${kind}`, externalSecretsHealth]),
  ['monitoring.coreos.com/Prometheus', prometheusHealth],
  ['policy/PodDisruptionBudget', podDisruptionBudgetHealth],
]);

/** gitops-engine's GetHealthCheckFunc, by "group/Kind" ("" is the core group). */
const ENGINE_CHECKS = new Map<string, Check>([
  ['apps/Deployment', deploymentHealth],
  ['apps/StatefulSet', statefulSetHealth],
  ['apps/ReplicaSet', replicaSetHealth],
  ['apps/DaemonSet', daemonSetHealth],
  ['extensions/Ingress', ingressHealth],
  ['networking.k8s.io/Ingress', ingressHealth],
  ['argoproj.io/Workflow', workflowHealth],
  ['apiregistration.k8s.io/APIService', apiServiceHealth],
  ['/Service', serviceHealth],
  ['/PersistentVolumeClaim', persistentVolumeClaimHealth],
  ['/Pod', podHealth],
  ['batch/Job', jobHealth],
  ['autoscaling/HorizontalPodAutoscaler', horizontalPodAutoscalerHealth],
]);

export function resourceHealth(input: KubeObject, options: HealthOptions = {}): HealthStatus | undefined {
  // Objects read from files may lack metadata; Kubernetes' unstructured accessors read it as empty.
  const obj: KubeObject = (input.metadata as unknown) === undefined ? { ...input, metadata: { name: '' } } : input;
  if (obj.metadata.deletionTimestamp !== undefined && !hasHookFinalizer(obj)) {
    return { status: 'Progressing', message: 'Pending deletion' };
  }
  const key = `${groupOf(obj.apiVersion)}/${obj.kind}`;
  if (key === 'argoproj.io/Application') {
    return options.applicationHealthFromStatus === true ? applicationHealthFromStatus(obj) : undefined;
  }
  const check = LUA_CHECKS.get(key) ?? ENGINE_CHECKS.get(key);
  return check?.(obj);
}

/** gitops-engine's healthOrder: each status is worse than the ones before it. */
export const HEALTH_ORDER: readonly HealthStatusCode[] = [
  'Healthy',
  'Suspended',
  'Progressing',
  'Missing',
  'Degraded',
  'Unknown',
];

/** gitops-engine IsWorse: is `next` worse than `current`? */
export function isWorse(current: HealthStatusCode, next: HealthStatusCode): boolean {
  return HEALTH_ORDER.indexOf(next) > HEALTH_ORDER.indexOf(current);
}
