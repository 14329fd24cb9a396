// AnalysisTemplates for the revision under test: a smoke Job against the preview Service, and
// the error ratio and p99 latency of that revision's own pods, selected in Prometheus by
// rollouts_pod_template_hash = {{args.pod-template-hash}} (the Rollout passes the new
// ReplicaSet's hash, podTemplateHashValue: Latest).
import {
  AnalysisTemplate,
  type IAnalysisTemplate,
} from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import { Job } from 'kubernetes-models/batch/v1/Job';
import type { EnvironmentConfig, MonitoringConfig } from '../environments/types.ts';
import type { ImageReference } from '../images.ts';
import { validated, type KubeObject } from '../k8s/object.ts';
import {
  ARGOCD,
  ENTRYPOINT_ARGS,
  labels,
  NAMES,
  POD_TEMPLATE_HASH_ARG,
  POD_TEMPLATE_HASH_METRIC_LABEL,
  serviceUrl,
  SMOKE_POD,
} from './names.ts';
import { entrypointJobSpec, secretEnv, valueEnv } from './pod.ts';
import { API_ROUTES, revisionErrorRatio, revisionLatencyQuantile } from './promql.ts';

type Metric = IAnalysisTemplate['spec']['metrics'][number];

/** Where the smoke Job sends its requests: the preview Service, i.e. the revision not yet promoted. */
export function smokeTarget(env: EnvironmentConfig): string {
  return serviceUrl(NAMES.previewService, env.namespace);
}

/** The Prometheus matchers of the revision under analysis, with the Argo argument left for Argo to fill. */
export const REVISION_UNDER_ANALYSIS = {
  [POD_TEMPLATE_HASH_METRIC_LABEL]: `{{args.${POD_TEMPLATE_HASH_ARG}}}`,
  ...API_ROUTES,
};

function template(env: EnvironmentConfig, name: string, spec: IAnalysisTemplate['spec']): KubeObject {
  return validated(
    new AnalysisTemplate({
      metadata: {
        name,
        namespace: env.namespace,
        labels: labels(),
        annotations: { [ARGOCD.syncOptions]: ARGOCD.skipDryRun },
      },
      spec,
    }),
  );
}

export function smokeTemplate(env: EnvironmentConfig, image: ImageReference): KubeObject {
  const jobSpec = entrypointJobSpec(env, image, {
    container: 'smoke',
    podName: SMOKE_POD,
    args: ENTRYPOINT_ARGS.smoke,
    // The smoke program uses the first merchant key of PAYMENTS_API_KEYS.
    env: [valueEnv('TARGET_URL', smokeTarget(env)), secretEnv('PAYMENTS_API_KEYS', NAMES.secret)],
    resources: { requests: { cpu: '50m', memory: '96Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    // A failed smoke run fails the analysis; a retry would only hide a flaky revision.
    backoffLimit: 0,
    activeDeadlineSeconds: env.analysis.smokeDeadlineSeconds,
  });
  // The job provider's spec is a batch/v1 JobSpec; the Argo model keeps it loose, so check it here.
  validated(new Job({ metadata: { name: NAMES.analysis.smoke, namespace: env.namespace }, spec: jobSpec }));
  return template(env, NAMES.analysis.smoke, {
    metrics: [
      {
        name: 'smoke',
        failureLimit: 0,
        provider: { job: { metadata: { labels: labels(SMOKE_POD) }, spec: jobSpec } },
      } as Metric,
    ],
  });
}

/**
 * A Prometheus metric that fails above `max`. The queries (promql.ts revisionErrorRatio,
 * revisionLatencyQuantile) always answer one sample — 0 for a healthy or idle revision — so the
 * conditions can pass; `len(result) == 1` still guards against an empty answer, which would then be
 * Inconclusive (Argo's EvaluateResult: neither condition true), never Successful.
 */
function thresholdMetric(
  env: EnvironmentConfig,
  monitoring: MonitoringConfig,
  name: string,
  query: string,
  max: number,
): Metric {
  return {
    name,
    initialDelay: env.analysis.initialDelay,
    interval: env.analysis.interval,
    count: env.analysis.count,
    failureLimit: 0,
    successCondition: `len(result) == 1 && result[0] <= ${max}`,
    failureCondition: `len(result) == 1 && result[0] > ${max}`,
    provider: { prometheus: { address: monitoring.prometheusUrl, query } },
  };
}

export function errorRateTemplate(env: EnvironmentConfig, monitoring: MonitoringConfig): KubeObject {
  const query = revisionErrorRatio(REVISION_UNDER_ANALYSIS, env.analysis.window);
  return template(env, NAMES.analysis.errorRate, {
    args: [{ name: POD_TEMPLATE_HASH_ARG }],
    metrics: [thresholdMetric(env, monitoring, 'error-rate', query, env.analysis.maxErrorRatio)],
  });
}

export function latencyP99Template(env: EnvironmentConfig, monitoring: MonitoringConfig): KubeObject {
  const query = revisionLatencyQuantile(0.99, REVISION_UNDER_ANALYSIS, env.analysis.window);
  return template(env, NAMES.analysis.latencyP99, {
    args: [{ name: POD_TEMPLATE_HASH_ARG }],
    metrics: [thresholdMetric(env, monitoring, 'latency-p99', query, env.analysis.maxP99Seconds)],
  });
}
