// What the local engine says about objects that only mean something in a cluster: they are
// applied to the store (so diff and prune cover them) and shown, never dropped; for the platform
// ApplicationSets it names what stands in for them on one machine. Pure.
import type { KubeObject } from '../store/object.ts';

/** ApplicationSet name → what locally stands in for the chart it installs in a cluster. */
const STAND_INS: Readonly<Record<string, string>> = {
  'argo-rollouts': "the engine's own Rollout controller (packages/quickship/src/engine)",
  'kube-prometheus-stack': "the engine's Prometheus (scrapes every instance; loads the PrometheusRules)",
  'aws-load-balancer-controller': 'the per-Service loopback routers (ports 8080/8081); no Ingress or ALB locally',
  'metrics-server': 'nothing: no HorizontalPodAutoscaler runs locally (`quickship scale` sets spec.replicas by hand)',
  'external-secrets': 'the local secret store (.quickship/secrets.json, DATABASE_URL and API keys from the engine)',
};

export function clusterOnlyNote(object: KubeObject): string | undefined {
  if (object.kind === 'ApplicationSet') {
    const standIn = Object.entries(STAND_INS).find(([key]) => object.metadata.name.includes(key))?.[1];
    return `cluster only: ApplicationSet/${object.metadata.name} generates nothing locally (its clusters generator selects EKS clusters)${standIn ? `; locally: ${standIn}` : ''}`;
  }
  return undefined;
}
