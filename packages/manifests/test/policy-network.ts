// Policies on what reaches the pods: the ALB Ingress, the NetworkPolicies, and availability
// under disruption and load (PDB, HPA).
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { describe, expect, it } from 'vitest';
import type { IApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet';
import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { appObjects, argocdObjects, environments, find, ofKind, type RenderedObject } from './tree.ts';

/** Charts that serve the resource metrics API (metrics.k8s.io) an HPA reads CPU and memory from. */
const RESOURCE_METRICS_CHARTS = ['metrics-server'];

/**
 * An HPA is only as good as its metrics source: Resource (and ContainerResource) metrics need
 * metrics-server installed by the same tree's Argo CD objects; Pods, Object and External metrics
 * would need a custom or external metrics adapter, which nothing here installs. Returns one
 * problem per HPA without a source (empty when every HPA has one).
 */
export function hpaMetricsProblems(app: readonly RenderedObject[], argocd: readonly RenderedObject[]): string[] {
  const charts = new Set(
    [
      ...ofKind<IApplication>(argocd, 'Application').map((a) => a.spec.source?.chart),
      ...ofKind<IApplicationSet>(argocd, 'ApplicationSet').map((s) => s.spec.template.spec.source?.chart),
    ].filter((chart): chart is string => chart !== undefined),
  );
  const problems: string[] = [];
  for (const hpa of ofKind<IHorizontalPodAutoscaler>(app, 'HorizontalPodAutoscaler')) {
    for (const metric of hpa.spec?.metrics ?? []) {
      const where = `HorizontalPodAutoscaler ${hpa.metadata?.name} (${metric.type} metric)`;
      if (metric.type === 'Resource' || metric.type === 'ContainerResource') {
        if (!RESOURCE_METRICS_CHARTS.some((chart) => charts.has(chart)))
          problems.push(
            `${where}: no metrics-server in this tree's Argo CD apps, so metrics.k8s.io is missing and the HPA never scales (FailedGetResourceMetric); add the metrics-server ApplicationSet (src/argocd/platform.ts).`,
          );
      } else {
        problems.push(`${where}: needs a custom or external metrics adapter, which nothing here installs.`);
      }
    }
  }
  return problems;
}

const { eks, local } = environments;

describe('Ingress (eks)', () => {
  const ingress = find<IIngress>(appObjects(eks), 'Ingress', 'payments');
  const paths = ingress.spec?.rules?.flatMap((rule) => rule.http?.paths ?? []) ?? [];

  it('is an ALB with IP targets that checks pod readiness', () => {
    expect(ingress.spec?.ingressClassName).toBe('alb');
    expect(ingress.metadata?.annotations?.['alb.ingress.kubernetes.io/target-type']).toBe('ip');
    expect(ingress.metadata?.annotations?.['alb.ingress.kubernetes.io/healthcheck-path']).toBe('/readyz');
  });

  it('exposes only /v1, to the active Service, and never /metrics or the probes', () => {
    expect(paths.map((p) => [p.path, p.pathType])).toEqual([['/v1', 'Prefix']]);
    for (const p of paths) {
      expect(p.backend.service).toEqual({ name: 'payments-active', port: { name: 'http' } });
      for (const hidden of ['/metrics', '/healthz', '/readyz', '/']) expect(p.path).not.toBe(hidden);
    }
    expect(ingress.spec?.defaultBackend).toBeUndefined();
    expect(JSON.stringify(ingress)).not.toContain('/metrics');
  });
});

describe.each([
  ['eks', eks],
  ['local', local],
] as const)('NetworkPolicies (%s)', (_name, env) => {
  const objects = appObjects(env);
  const policies = ofKind<INetworkPolicy>(objects, 'NetworkPolicy');
  const byName = (name: string): INetworkPolicy => find<INetworkPolicy>(objects, 'NetworkPolicy', name);

  it('denies all ingress and egress by default, for every pod of the namespace', () => {
    const deny = byName('default-deny');
    expect(deny.spec?.podSelector).toEqual({});
    expect(deny.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(deny.spec?.ingress).toBeUndefined();
    expect(deny.spec?.egress).toBeUndefined();
  });

  it('lets each pod resolve DNS in kube-system only, on port 53', () => {
    for (const name of ['payments', 'payments-migrate', 'payments-smoke']) {
      const dns = byName(name).spec?.egress?.find((rule) => rule.ports?.some((p) => p.port === 53));
      expect(dns?.to, name).toEqual([
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ]);
      expect(dns?.ports?.map((p) => p.protocol).sort(), name).toEqual(['TCP', 'UDP']);
    }
  });

  it('lets the service and the migration reach PostgreSQL on 5432 and nothing else outside the cluster', () => {
    for (const name of ['payments', 'payments-migrate']) {
      const egress = byName(name).spec?.egress ?? [];
      const blocks = egress.flatMap((rule) =>
        (rule.to ?? [])
          .filter((peer) => peer.ipBlock)
          .map((peer) => [peer.ipBlock?.cidr, rule.ports?.map((p) => p.port)]),
      );
      expect(blocks, name).toEqual(env.network.databaseCidrs.map((cidr) => [cidr, [5432]]));
    }
    for (const policy of policies) {
      for (const rule of [...(policy.spec?.egress ?? []), ...(policy.spec?.ingress ?? [])]) {
        expect(rule.ports?.length, `${policy.metadata?.name}: every rule names its ports`).toBeGreaterThan(0);
        for (const peer of [
          ...(('to' in rule ? rule.to : undefined) ?? []),
          ...(('from' in rule ? rule.from : undefined) ?? []),
        ]) {
          expect(peer.ipBlock?.cidr, `${policy.metadata?.name}: no rule opens to the whole internet`).not.toBe(
            '0.0.0.0/0',
          );
        }
      }
    }
  });

  it('admits traffic to the service only on the http port, from the load balancer, Prometheus and the smoke Job', () => {
    const ingress = byName('payments').spec?.ingress ?? [];
    expect(ingress.flatMap((rule) => rule.ports ?? [])).toEqual([{ port: 3000, protocol: 'TCP' }]);
    const from = ingress.flatMap((rule) => rule.from ?? []);
    const expected: unknown[] = [];
    if (env.ingress) expected.push(...env.network.loadBalancerCidrs.map((cidr) => ({ ipBlock: { cidr } })));
    if (env.monitoring) {
      expected.push({
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      });
    }
    expected.push({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'payments-smoke' } } });
    expect(from).toEqual(expected);
    // The migration and smoke pods accept no inbound traffic at all.
    expect(byName('payments-migrate').spec?.ingress).toBeUndefined();
    expect(byName('payments-smoke').spec?.ingress).toBeUndefined();
  });
});

describe('availability', () => {
  it('keeps all but one pod through voluntary disruptions', () => {
    for (const env of [eks, local]) {
      const pdb = find<IPodDisruptionBudget>(appObjects(env), 'PodDisruptionBudget', 'payments');
      expect(pdb.spec?.maxUnavailable).toBe(1);
      expect(pdb.spec?.selector?.matchLabels).toEqual({ 'app.kubernetes.io/name': 'payments' });
    }
  });

  it("autoscales the Rollout (eks), never below the Rollout's replicas", () => {
    const hpa = find<IHorizontalPodAutoscaler>(appObjects(eks), 'HorizontalPodAutoscaler', 'payments');
    expect(hpa.spec?.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'payments' });
    expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec?.maxReplicas).toBeGreaterThanOrEqual(hpa.spec?.minReplicas ?? 0);
  });

  it.each([
    ['eks', eks],
    ['local', local],
  ] as const)('gives every HPA a metrics source (%s): metrics-server for resource metrics', (_name, env) => {
    expect(hpaMetricsProblems(appObjects(env), argocdObjects(env))).toEqual([]);
  });

  it('finds an HPA without a metrics source (the review finding: no metrics-server)', () => {
    const withoutMetricsServer = argocdObjects(eks).filter((o) => o.object.metadata.name !== 'metrics-server');
    expect(withoutMetricsServer.length).toBe(argocdObjects(eks).length - 1);
    expect(hpaMetricsProblems(appObjects(eks), withoutMetricsServer)).toEqual([
      expect.stringMatching(/^HorizontalPodAutoscaler payments \(Resource metric\): no metrics-server/),
    ]);
    const onPodsMetric = appObjects(eks).map((o) =>
      o.object.kind === 'HorizontalPodAutoscaler'
        ? { ...o, object: { ...o.object, spec: { ...(o.object.spec as object), metrics: [{ type: 'Pods' }] } } }
        : o,
    ) as RenderedObject[];
    expect(hpaMetricsProblems(onPodsMetric, argocdObjects(eks))).toEqual([
      expect.stringContaining('(Pods metric): needs a custom or external metrics adapter'),
    ]);
  });
});
