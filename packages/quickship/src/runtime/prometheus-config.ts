// What the local Prometheus scrapes and evaluates, derived from the same objects the cluster's
// Prometheus Operator reads (pure: no I/O). A ServiceMonitor selects Services by label; every
// ready-or-not instance behind a selected Service is a target labelled as the operator's
// generated relabelling labels it (prometheus-operator pkg/prometheus/promcfg.go):
//   namespace, service, pod, container, endpoint (the port name), job (the Service name, no
//   jobLabel set), instance (address) and each `podTargetLabels` label, sanitized
//   (`rollouts-pod-template-hash` → `rollouts_pod_template_hash`).
// A PrometheusRule's `spec.groups` is a Prometheus rule file as is.

export interface ServiceMonitorSpec {
  readonly selector?: { readonly matchLabels?: Readonly<Record<string, string>> };
  readonly endpoints?: readonly {
    readonly port?: string;
    readonly path?: string;
    readonly interval?: string;
    readonly scheme?: string;
  }[];
  readonly podTargetLabels?: readonly string[];
  readonly jobLabel?: string;
}

export interface MonitoredService {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Port names of the Service (a ServiceMonitor endpoint names one). */
  readonly portNames: readonly string[];
}

/** One running instance (pod) behind the Service: its loopback address and pod labels. */
export interface MonitoredPod {
  readonly name: string;
  readonly namespace: string;
  readonly container: string;
  readonly address: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A file_sd target group. */
export interface TargetGroup {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

/** Prometheus' label name rule: anything outside [a-zA-Z0-9_] becomes `_` (strutil.SanitizeLabelName). */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

export function selects(monitor: ServiceMonitorSpec, service: MonitoredService): boolean {
  const wanted = monitor.selector?.matchLabels ?? {};
  return Object.entries(wanted).every(([k, v]) => service.labels[k] === v);
}

/** The targets of one ServiceMonitor over the Services and their pods. */
export function scrapeTargets(
  monitor: ServiceMonitorSpec,
  services: readonly { readonly service: MonitoredService; readonly pods: readonly MonitoredPod[] }[],
): TargetGroup[] {
  const groups: TargetGroup[] = [];
  for (const { service, pods } of services) {
    if (!selects(monitor, service)) continue;
    for (const endpoint of monitor.endpoints ?? [{}]) {
      for (const pod of pods) {
        const labels: Record<string, string> = {
          namespace: pod.namespace,
          service: service.name,
          pod: pod.name,
          container: pod.container,
          job: (monitor.jobLabel && service.labels[monitor.jobLabel]) || service.name,
          ...(endpoint.port ? { endpoint: endpoint.port } : {}),
          ...(endpoint.path && endpoint.path !== '/metrics' ? { __metrics_path__: endpoint.path } : {}),
        };
        for (const name of monitor.podTargetLabels ?? []) {
          const value = pod.labels[name];
          if (value !== undefined) labels[sanitizeLabelName(name)] = value;
        }
        groups.push({ targets: [pod.address], labels });
      }
    }
  }
  return groups;
}

export interface PrometheusConfigInput {
  /** Seconds between scrapes (the ServiceMonitor's interval, or a faster local one). */
  readonly scrapeIntervalSeconds: number;
  readonly evaluationIntervalSeconds: number;
  /** Absolute path of the file_sd JSON file. */
  readonly targetsFile: string;
  /** Glob of the rule files. */
  readonly ruleFilesGlob: string;
}

/** prometheus.yml as JSON (YAML is a superset): one job fed by file_sd. */
export function prometheusConfig(input: PrometheusConfigInput): string {
  return JSON.stringify(
    {
      global: {
        scrape_interval: `${input.scrapeIntervalSeconds}s`,
        scrape_timeout: `${Math.min(10, input.scrapeIntervalSeconds)}s`,
        evaluation_interval: `${input.evaluationIntervalSeconds}s`,
      },
      rule_files: [input.ruleFilesGlob],
      scrape_configs: [
        {
          job_name: 'servicemonitors',
          honor_labels: false,
          file_sd_configs: [{ files: [input.targetsFile], refresh_interval: '5m' }],
        },
      ],
    },
    null,
    2,
  );
}

/** A rule file from a PrometheusRule's spec (`groups` as is). */
export function ruleFile(spec: { readonly groups?: readonly unknown[] }): string {
  return JSON.stringify({ groups: spec.groups ?? [] }, null, 2);
}
