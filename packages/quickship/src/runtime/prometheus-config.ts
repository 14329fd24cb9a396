// What the local Prometheus scrapes and evaluates, derived from the same objects the cluster's
// Prometheus Operator reads (pure: no I/O). A ServiceMonitor selects Services by label; every
// ready-or-not instance behind a selected Service is a target labelled as the operator's
// generated relabelling labels it (prometheus-operator pkg/prometheus/promcfg.go, and its
// testdata/GenerateRelabelConfig.golden):
//   namespace, service, pod, container, endpoint (the port name), job (the Service name, no
//   jobLabel set), instance (address) and each `podTargetLabels` label, sanitized
//   (`rollouts-pod-template-hash` → `rollouts_pod_template_hash`).
// A PrometheusRule's `spec.groups` is a Prometheus rule file as is.

export interface ServiceMonitorSpec {
  readonly selector?: { readonly matchLabels?: Readonly<Record<string, string>> };
  readonly endpoints?: readonly ServiceMonitorEndpoint[];
  readonly podTargetLabels?: readonly string[];
  /** Service labels copied onto the targets (sanitized names, as podTargetLabels). */
  readonly targetLabels?: readonly string[];
  readonly jobLabel?: string;
}

export interface ServiceMonitorEndpoint {
  /** Name of the Service port (the operator keeps endpoints whose port name matches). */
  readonly port?: string;
  /** The pod's port, by number or name (mutually exclusive with port). */
  readonly targetPort?: string | number;
  readonly path?: string;
  readonly interval?: string;
  readonly scrapeTimeout?: string;
  readonly scheme?: string;
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

/**
 * Prometheus durations (`15s`, `1m30s`, `500ms`) in seconds; undefined when it is not one
 * (model.ParseDuration's units: ms, s, m, h, d, w, y).
 */
export function prometheusDurationSeconds(text: string): number | undefined {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(text)) return undefined;
  let seconds = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) seconds += Number(n) * (units[unit!] ?? 0);
  return seconds;
}

/**
 * Scrape timeout of an endpoint: its own, else Prometheus' global default (10s) capped at the
 * interval (a timeout above the interval is a config error).
 */
function scrapeTimeout(endpoint: ServiceMonitorEndpoint, interval: string): string {
  if (endpoint.scrapeTimeout) return endpoint.scrapeTimeout;
  const seconds = prometheusDurationSeconds(interval);
  return seconds !== undefined && seconds < 10 ? interval : '10s';
}

/**
 * The targets of one ServiceMonitor over the Services and their pods (endpoints). As the
 * operator's relabelling: an endpoint naming a `port` keeps only Services with a port of that
 * name (`__meta_kubernetes_endpoint_port_name`), `endpoint` is that name (or the targetPort),
 * `job` the Service name (or its `jobLabel` label's value). `path`, `scheme`, `interval` and
 * `scrapeTimeout` ride on the target as Prometheus' `__metrics_path__`, `__scheme__`,
 * `__scrape_interval__` and `__scrape_timeout__` labels, so one file_sd job serves every endpoint.
 */
export function scrapeTargets(
  monitor: ServiceMonitorSpec,
  services: readonly { readonly service: MonitoredService; readonly pods: readonly MonitoredPod[] }[],
): TargetGroup[] {
  const groups: TargetGroup[] = [];
  for (const { service, pods } of services) {
    if (!selects(monitor, service)) continue;
    for (const endpoint of monitor.endpoints ?? [{}]) {
      if (endpoint.port !== undefined && !service.portNames.includes(endpoint.port)) continue;
      const endpointName =
        endpoint.port ?? (endpoint.targetPort === undefined ? undefined : String(endpoint.targetPort));
      for (const pod of pods) {
        const labels: Record<string, string> = {
          namespace: pod.namespace,
          service: service.name,
          pod: pod.name,
          container: pod.container,
          job: (monitor.jobLabel && service.labels[monitor.jobLabel]) || service.name,
          ...(endpointName ? { endpoint: endpointName } : {}),
          ...(endpoint.path && endpoint.path !== '/metrics' ? { __metrics_path__: endpoint.path } : {}),
          ...(endpoint.scheme && endpoint.scheme !== 'http' ? { __scheme__: endpoint.scheme } : {}),
          ...(endpoint.interval
            ? { __scrape_interval__: endpoint.interval, __scrape_timeout__: scrapeTimeout(endpoint, endpoint.interval) }
            : {}),
        };
        for (const name of monitor.targetLabels ?? []) {
          const value = service.labels[name];
          if (value) labels[sanitizeLabelName(name)] = value;
        }
        for (const name of monitor.podTargetLabels ?? []) {
          const value = pod.labels[name];
          if (value) labels[sanitizeLabelName(name)] = value;
        }
        groups.push({ targets: [pod.address], labels });
      }
    }
  }
  return groups;
}

/** A file_sd group without its own interval: scraped at the job's (global) interval. */
export function withoutOwnInterval(group: TargetGroup): TargetGroup {
  const { __scrape_interval__: _i, __scrape_timeout__: _t, ...labels } = group.labels;
  return { targets: group.targets, labels };
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
