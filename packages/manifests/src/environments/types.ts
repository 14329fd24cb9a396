// The typed configuration of one environment. base.ts sets every field (the documented defaults
// below); eks.ts and local.ts override only what differs. An optional block that is absent means
// "this environment has no such add-on", and the objects that need it are not rendered.

export interface EnvironmentConfig {
  /** Key of the environment in images.json, e.g. "eks". */
  readonly name: string;
  /**
   * Folder, relative to the repository root, the environment's tree is written under.
   * Default "deploy" (deploy/apps/payments/…, the tree Argo CD syncs and the local engine reads).
   */
  readonly outputDir: string;
  /** Namespace of the payments objects. Default "payments". */
  readonly namespace: string;
  readonly rollout: RolloutConfig;
  readonly resources: ResourcesConfig;
  readonly shutdown: ShutdownConfig;
  /** Non-secret service settings, rendered into the ConfigMap payments-config. */
  readonly settings: SettingsConfig;
  readonly network: NetworkConfig;
  readonly analysis: AnalysisConfig;
  /** PodDisruptionBudget. Default maxUnavailable 1. */
  readonly disruptionBudget: { readonly maxUnavailable: number };
  /** Image reference rules for this environment's images.json entry. */
  readonly images: ImagePolicy;
  /** HorizontalPodAutoscaler on the Rollout; absent: no HPA (e.g. no metrics-server). */
  readonly autoscaling?: AutoscalingConfig;
  /** Ingress for the AWS Load Balancer Controller; absent: no Ingress. */
  readonly ingress?: IngressConfig;
  /** External Secrets Operator; absent: the Secret payments-secrets is created by hand. */
  readonly externalSecrets?: ExternalSecretsConfig;
  /** kube-prometheus-stack; absent: no ServiceMonitor, PrometheusRule, dashboard or Prometheus analysis. */
  readonly monitoring?: MonitoringConfig;
  /** AWS account facts; absent outside AWS. */
  readonly aws?: { readonly region: string };
  /** Argo CD objects under <outputDir>/argocd; absent: the environment is not synced by Argo CD. */
  readonly argocd?: ArgoCdConfig;
}

export interface RolloutConfig {
  /** Default 3: one per availability zone. */
  readonly replicas: number;
  /** Default 3 old ReplicaSets kept for undo. */
  readonly revisionHistoryLimit: number;
  /** Default 600 (Argo's default). */
  readonly progressDeadlineSeconds: number;
  /** Old ReplicaSet kept this long after promotion; default 30 (Argo's default, enough for ALB target deregistration). */
  readonly scaleDownDelaySeconds: number;
  /** Preview ReplicaSet kept this long after an abort; default 30 (Argo's default). */
  readonly abortScaleDownDelaySeconds: number;
  /**
   * spec.rollbackWindow.revisions: a rollback to one of the last N releases (a `quickship
   * rollback` revert commit) skips the pause and analysis. Default 1; 0 renders no window (Argo's
   * default: every rollback is a normal update).
   */
  readonly rollbackWindowRevisions: number;
  /** Spread replicas over zones (topology.kubernetes.io/zone, DoNotSchedule). Default true. */
  readonly zoneSpread: boolean;
  /** imagePullPolicy of the payments containers. Default "IfNotPresent" (tags are immutable in ECR). */
  readonly imagePullPolicy: 'IfNotPresent' | 'Always' | 'Never';
}

export interface ResourcesConfig {
  /** Default { cpu: "250m", memory: "256Mi" }. */
  readonly requests: { readonly cpu: string; readonly memory: string };
  /** Default { cpu: "1", memory: "512Mi" }. */
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/**
 * Termination: Kubernetes runs preStop, then sends SIGTERM; the service keeps serving for
 * SHUTDOWN_DELAY_MS, then drains in-flight requests for up to SHUTDOWN_TIMEOUT_MS; SIGKILL comes
 * at terminationGracePeriodSeconds, which must cover all three.
 */
export interface ShutdownConfig {
  /** lifecycle.preStop.sleep: time for endpoint removal to reach the ALB and kube-proxy. Default 10. */
  readonly preStopSleepSeconds: number;
  /** SHUTDOWN_DELAY_MS: /readyz answers 503 while still serving. Default 2000; below shutdownTimeoutMs. */
  readonly shutdownDelayMs: number;
  /** SHUTDOWN_TIMEOUT_MS: deadline of the whole drain after SIGTERM (the delay included). Default 20000. */
  readonly shutdownTimeoutMs: number;
  /** Default 40 (≥ 10 + 2 + 20, with margin). */
  readonly terminationGracePeriodSeconds: number;
}

export interface SettingsConfig {
  /** LOG_LEVEL. Default "info". */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** DB_POOL_MAX per replica. Default 10. */
  readonly dbPoolMax: number;
  /** FAULT_ERROR_RATE, 0..1: share of requests answered 500 (fault injection). Default 0. */
  readonly faultErrorRate: number;
  /** FAULT_LATENCY_MS added to each request (fault injection). Default 0. */
  readonly faultLatencyMs: number;
}

export interface NetworkConfig {
  /** Where load-balancer traffic comes from (ALB target-type ip: its subnets). Default ["10.0.0.0/16"]; eks: the public subnets. */
  readonly loadBalancerCidrs: readonly string[];
  /** Where PostgreSQL lives. Default ["10.0.0.0/16"]; eks: the database subnets. */
  readonly databaseCidrs: readonly string[];
  /** Default 5432. */
  readonly databasePort: number;
  /** Namespace and pod labels of cluster DNS. Default kube-system, k8s-app=kube-dns (CoreDNS on EKS and kind). */
  readonly dns: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
}

export interface AnalysisConfig {
  /** activeDeadlineSeconds of the smoke Job. Default 300. */
  readonly smokeDeadlineSeconds: number;
  /** Error ratio (5xx / all, /v1 routes) above which a revision fails analysis. Default 0.01. */
  readonly maxErrorRatio: number;
  /** p99 latency (seconds, /v1 routes) above which a revision fails analysis. Default 0.5. */
  readonly maxP99Seconds: number;
  /** Range of rate() in analysis queries; wide enough to still see the smoke run's requests. Default "5m". */
  readonly window: string;
  /** Default "30s": first measurement after the smoke run has been scraped. */
  readonly initialDelay: string;
  /** Default "30s". */
  readonly interval: string;
  /** Measurements per metric. Default 4. */
  readonly count: number;
}

export interface ImagePolicy {
  /** The repository part (before ":tag" / "@digest") must match this. */
  readonly repository: RegExp;
  /** Human description of `repository`, used in error messages. */
  readonly describe: string;
}

export interface AutoscalingConfig {
  /** Default 3. */
  readonly minReplicas: number;
  /** Default 12. */
  readonly maxReplicas: number;
  /** Target average CPU utilization, percent of requests. Default 70. */
  readonly cpuUtilization: number;
}

export interface IngressConfig {
  /** Public host name; the ALB controller discovers the ACM certificate for it. Default "payments.example.com". */
  readonly host: string;
  /** alb.ingress.kubernetes.io/scheme. Default "internet-facing". */
  readonly scheme: 'internet-facing' | 'internal';
  /** ALB target deregistration delay. Default 30. */
  readonly deregistrationDelaySeconds: number;
}

export interface ExternalSecretsConfig {
  /** ClusterSecretStore name. Default "aws-secrets-manager". */
  readonly store: string;
  /**
   * AWS Secrets Manager secret (plain string value) of each Secret key. Default: Terraform's
   * infra/secrets.tf names under var.app_secrets_prefix, the only prefix ESO's role may read:
   * DATABASE_URL ← "quickship/payments/database-url", PAYMENTS_API_KEYS ← "quickship/payments/api-keys".
   */
  readonly remoteKeys: { readonly DATABASE_URL: string; readonly PAYMENTS_API_KEYS: string };
  /** Default "1h". */
  readonly refreshInterval: string;
}

export interface MonitoringConfig {
  /** Namespace of kube-prometheus-stack (Prometheus scrapes from there). Default "monitoring". */
  readonly namespace: string;
  /** Prometheus as the Argo Rollouts controller reaches it. Default kube-prometheus-stack's Service. */
  readonly prometheusUrl: string;
  /** ServiceMonitor scrape interval. Default "15s". */
  readonly scrapeInterval: string;
  readonly alerts: AlertThresholds;
}

export interface AlertThresholds {
  /** Default 0.5 s. */
  readonly p99Seconds: number;
  /** Default 0.01. */
  readonly errorRatio: number;
  /** Alert when traffic falls below this share of the same time yesterday. Default 0.5. */
  readonly trafficDropRatio: number;
  /** Event-loop lag (seconds) that counts as saturated. Default 0.2. */
  readonly eventLoopLagSeconds: number;
}

export interface ArgoCdConfig {
  /** Namespace Argo CD runs in. Default "argocd". */
  readonly namespace: string;
  /** This repository, as Argo CD clones it. Terraform reads it from the rendered root Application. */
  readonly repoURL: string;
  /** Branch Argo CD follows. Default "main". */
  readonly targetRevision: string;
  /** The cluster Argo CD runs in. Default "https://kubernetes.default.svc". */
  readonly clusterServer: string;
}
