// Defaults shared by every environment: production-shaped (three replicas over zones, analysis
// on Prometheus, autoscaling). eks.ts and local.ts change only what differs from this.
import type { EnvironmentConfig } from './types.ts';

export const base: EnvironmentConfig = {
  name: 'base',
  outputDir: 'deploy',
  namespace: 'payments',
  rollout: {
    replicas: 3,
    revisionHistoryLimit: 3,
    progressDeadlineSeconds: 600,
    scaleDownDelaySeconds: 30,
    abortScaleDownDelaySeconds: 30,
    rollbackWindowRevisions: 1,
    zoneSpread: true,
    imagePullPolicy: 'IfNotPresent',
  },
  resources: {
    requests: { cpu: '250m', memory: '256Mi' },
    limits: { cpu: '1', memory: '512Mi' },
  },
  shutdown: {
    preStopSleepSeconds: 10,
    shutdownDelayMs: 2000,
    shutdownTimeoutMs: 20000,
    terminationGracePeriodSeconds: 40,
  },
  settings: { logLevel: 'info', dbPoolMax: 10, faultErrorRate: 0, faultLatencyMs: 0 },
  network: {
    loadBalancerCidrs: ['10.0.0.0/16'],
    databaseCidrs: ['10.0.0.0/16'],
    databasePort: 5432,
    dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } },
  },
  analysis: {
    smokeDeadlineSeconds: 300,
    maxErrorRatio: 0.01,
    maxP99Seconds: 0.5,
    window: '5m',
    initialDelay: '30s',
    interval: '30s',
    count: 4,
  },
  disruptionBudget: { maxUnavailable: 1 },
  images: {
    repository: /^(?:[a-z0-9.-]+(?::\d+)?\/)?quickship\/payments$/,
    describe: '[registry/]quickship/payments',
  },
  autoscaling: { minReplicas: 3, maxReplicas: 12, cpuUtilization: 70 },
  monitoring: {
    namespace: 'monitoring',
    // kube-prometheus-stack's Service "<fullname>-prometheus"; the platform Application pins fullnameOverride.
    prometheusUrl: 'http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090',
    scrapeInterval: '15s',
    alerts: { p99Seconds: 0.5, errorRatio: 0.01, trafficDropRatio: 0.5, eventLoopLagSeconds: 0.2 },
  },
};
