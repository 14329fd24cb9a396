// The platform's Helm charts, pinned to exact versions. Each version is the newest release of the
// chart in its upstream repository as read on CHECKED_ON (the commit we read is in `source`);
// bump them deliberately, in one place, and re-render.

export const CHECKED_ON = '2026-11-27';

export interface PinnedChart {
  /** Application (and Helm release) name. */
  readonly name: string;
  readonly chart: string;
  readonly repoURL: string;
  /** Exact chart version, never a range or "latest". */
  readonly version: string;
  /** The application version the chart ships, for the README. */
  readonly appVersion: string;
  readonly namespace: string;
  /** Label on the Argo CD cluster Secret that turns the add-on on (GitOps bridge convention). */
  readonly enableLabel: string;
  /** Where the version was read. */
  readonly source: string;
}

export const CHARTS = {
  argoRollouts: {
    name: 'argo-rollouts',
    chart: 'argo-rollouts',
    repoURL: 'https://argoproj.github.io/argo-helm',
    version: '2.41.0',
    appVersion: 'v1.9.0',
    namespace: 'argo-rollouts',
    enableLabel: 'enable_argo_rollouts',
    source: 'github.com/argoproj/argo-helm charts/argo-rollouts/Chart.yaml at af0a931 (2026-07-02)',
  },
  kubePrometheusStack: {
    name: 'kube-prometheus-stack',
    chart: 'kube-prometheus-stack',
    repoURL: 'https://prometheus-community.github.io/helm-charts',
    version: '88.5.3',
    appVersion: 'v0.93.1',
    namespace: 'monitoring',
    enableLabel: 'enable_kube_prometheus_stack',
    source:
      'github.com/prometheus-community/helm-charts charts/kube-prometheus-stack/Chart.yaml at cf408a2 (2026-08-22)',
  },
  awsLoadBalancerController: {
    name: 'aws-load-balancer-controller',
    chart: 'aws-load-balancer-controller',
    repoURL: 'https://aws.github.io/eks-charts',
    version: '3.5.0',
    appVersion: 'v3.5.0',
    namespace: 'kube-system',
    enableLabel: 'enable_aws_load_balancer_controller',
    source: 'github.com/aws/eks-charts stable/aws-load-balancer-controller/Chart.yaml at 5239609 (2026-08-03)',
  },
  externalSecrets: {
    name: 'external-secrets',
    chart: 'external-secrets',
    repoURL: 'https://charts.external-secrets.io',
    version: '2.9.0',
    appVersion: 'v2.9.0',
    namespace: 'external-secrets',
    enableLabel: 'enable_external_secrets',
    source:
      'github.com/external-secrets/external-secrets deploy/charts/external-secrets/Chart.yaml at cc5bfbc (2026-08-08)',
  },
  metricsServer: {
    name: 'metrics-server',
    chart: 'metrics-server',
    repoURL: 'https://kubernetes-sigs.github.io/metrics-server/',
    version: '3.13.1',
    appVersion: 'v0.8.1',
    namespace: 'kube-system',
    enableLabel: 'enable_metrics_server',
    source: 'github.com/kubernetes-sigs/metrics-server charts/metrics-server/Chart.yaml at 5ed5d3a (2026-08-04)',
  },
} as const satisfies Record<string, PinnedChart>;
