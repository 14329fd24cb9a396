// Names, labels and ports of the payments objects: the vocabulary every builder and every
// policy test shares, so a rename happens in one place.

export const APP = 'payments';

export const NAMES = {
  rollout: 'payments',
  serviceAccount: 'payments',
  activeService: 'payments-active',
  previewService: 'payments-preview',
  /** Headless Service that only the ServiceMonitor selects: each pod is scraped once, whatever the active/preview selectors. */
  metricsService: 'payments-metrics',
  configMap: 'payments-config',
  /** Created by the ExternalSecret of the same name (or by hand where there is no External Secrets). */
  secret: 'payments-secrets',
  /** DATABASE_URL for the PreSync migration Job, from a PreSync ExternalSecret (see migrate-job.ts). */
  migrateSecret: 'payments-migrate-secrets',
  migrateJob: 'payments-migrate',
  ingress: 'payments',
  disruptionBudget: 'payments',
  autoscaler: 'payments',
  serviceMonitor: 'payments',
  prometheusRule: 'payments-golden-signals',
  dashboard: 'payments-dashboard',
  analysis: { smoke: 'smoke', errorRate: 'error-rate', latencyP99: 'latency-p99' },
} as const;

/** The one container port: named so that probes, Services and the Ingress refer to it by name. */
export const HTTP = { name: 'http', containerPort: 3000, servicePort: 80 } as const;

/** Argo Rollouts' label on every pod of a ReplicaSet (and, via podTargetLabels, on every series). */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';
/** The same label after Prometheus' label-name sanitising. */
export const POD_TEMPLATE_HASH_METRIC_LABEL = 'rollouts_pod_template_hash';
/** The AnalysisTemplate argument that carries the revision's hash. */
export const POD_TEMPLATE_HASH_ARG = 'pod-template-hash';

export const LABEL = {
  name: 'app.kubernetes.io/name',
  partOf: 'app.kubernetes.io/part-of',
  component: 'app.kubernetes.io/component',
} as const;

/** Selects the payments pods of every revision (Argo adds the hash to active/preview selectors). */
export const SELECTOR: Readonly<Record<string, string>> = { [LABEL.name]: APP };

export function labels(name: string = APP, component?: string): Record<string, string> {
  return { [LABEL.name]: name, [LABEL.partOf]: 'quickship', ...(component ? { [LABEL.component]: component } : {}) };
}

/** Pod labels of the migration Job and the smoke Job: distinct names keep them out of the Services. */
export const MIGRATE_POD = 'payments-migrate';
export const SMOKE_POD = 'payments-smoke';

/**
 * The image's entry points, as the Dockerfile defines them: ENTRYPOINT is node, CMD the server;
 * the migration and smoke programs are selected with `args`.
 */
export const ENTRYPOINT_ARGS = {
  migrate: ['services/payments/dist/migrate.mjs'],
  smoke: ['services/payments/dist/smoke.mjs'],
} as const;

/** Argo CD annotations. */
export const ARGOCD = {
  hook: 'argocd.argoproj.io/hook',
  hookDeletePolicy: 'argocd.argoproj.io/hook-delete-policy',
  syncWave: 'argocd.argoproj.io/sync-wave',
  syncOptions: 'argocd.argoproj.io/sync-options',
  /** On objects whose CRD a platform chart installs: the first sync may run before the CRD exists. */
  skipDryRun: 'SkipDryRunOnMissingResource=true',
} as const;

/** In-cluster DNS name of a Service in the payments namespace. */
export function serviceUrl(service: string, namespace: string): string {
  return `http://${service}.${namespace}.svc.cluster.local`;
}
