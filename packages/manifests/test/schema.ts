// Every rendered object, read back from its YAML file, validates against its schema: the
// kubernetes-models classes (OpenAPI of Kubernetes and the CRDs of Argo Rollouts, Argo CD,
// Prometheus Operator, External Secrets), with the extra checks for the parts those CRD models
// predate or keep loose (the Rollout's pod template, the smoke Job's spec, ESO v1).
import { AnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import { Rollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { ApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet';
import { AppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import { ClusterSecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1beta1/ClusterSecretStore';
import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1beta1/ExternalSecret';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PodTemplate } from 'kubernetes-models/v1/PodTemplate';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { describe, expect, it } from 'vitest';
import { SchemaValidationError, type KubeObject } from '../src/index.ts';
import { validated } from '../src/k8s/object.ts';
import { allObjects } from './tree.ts';

interface Model {
  validate(): void;
  toJSON(): unknown;
}
type ModelClass = new (data: never) => Model;

/** The schema of each rendered (apiVersion, kind). ESO v1 objects use the v1beta1 schema (see k8s/external-secrets.ts). */
const SCHEMAS: Readonly<Record<string, ModelClass>> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'argoproj.io/v1alpha1/Rollout': Rollout,
  'argoproj.io/v1alpha1/AnalysisTemplate': AnalysisTemplate,
  'argoproj.io/v1alpha1/Application': Application,
  'argoproj.io/v1alpha1/ApplicationSet': ApplicationSet,
  'argoproj.io/v1alpha1/AppProject': AppProject,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  'external-secrets.io/v1/ExternalSecret': ExternalSecret,
  'external-secrets.io/v1/ClusterSecretStore': ClusterSecretStore,
};

function validateAsRendered(object: KubeObject): void {
  const schema = SCHEMAS[`${object.apiVersion}/${object.kind}`];
  if (!schema) throw new Error(`no schema registered for ${object.apiVersion} ${object.kind}; add it to SCHEMAS`);
  const data = object.apiVersion.startsWith('external-secrets.io/')
    ? { ...object, apiVersion: 'external-secrets.io/v1beta1' }
    : object;
  validated(new schema(data as never));
}

describe('schema validation of the rendered files', () => {
  it.each(allObjects.map((o) => [o.path, o.object] as const))('%s', (_path, object) => {
    validateAsRendered(object);
  });

  it('checks every pod template against the core PodTemplate schema (the Argo models predate preStop.sleep)', () => {
    let checked = 0;
    for (const { object } of allObjects) {
      const templates: unknown[] = [];
      const spec = object.spec as Record<string, unknown> | undefined;
      if (object.kind === 'Rollout' || object.kind === 'Job') templates.push(spec?.template);
      if (object.kind === 'AnalysisTemplate') {
        for (const metric of (spec?.metrics ?? []) as { provider?: { job?: { spec?: { template?: unknown } } } }[]) {
          if (metric.provider?.job) templates.push(metric.provider.job.spec?.template);
        }
      }
      for (const template of templates) {
        validated(new PodTemplate({ metadata: { name: object.metadata.name }, template: template as never }));
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6); // Rollout, migrate Job, smoke Job — in both environments
  });

  it('rejects a broken object, naming it and the field (the check can fail)', () => {
    const rollout = allObjects.find((o) => o.object.kind === 'Rollout')?.object;
    expect(rollout).toBeDefined();
    const broken = { ...rollout, spec: { ...(rollout?.spec as object), replicas: 'three' } } as unknown as KubeObject;
    expect(() => validateAsRendered(broken)).toThrow(SchemaValidationError);
    expect(() => validateAsRendered(broken)).toThrow(/Rollout payments\/payments .*replicas must be integer/);
  });
});
