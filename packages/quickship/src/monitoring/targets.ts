// What the local Prometheus scrapes, from the objects GitOps synced (pure: no I/O). The cluster's
// Prometheus Operator turns a ServiceMonitor into an `endpoints` scrape job: the Services its
// selector picks in its namespaces (`namespaceSelector`, default its own), each Service's
// endpoints (the pods its `spec.selector` matches, ready or not; pods that are terminating or
// gone have left the Endpoints) and the relabelling of runtime/prometheus-config.ts. Locally the
// pods are the engine's instances, each with its own 127.0.0.1 port standing in for the pod IP
// and the container port the endpoint names.
import type { KubeObject } from '../store/object.ts';
import {
  scrapeTargets,
  type MonitoredPod,
  type MonitoredService,
  type ServiceMonitorSpec,
  type TargetGroup,
} from '../runtime/prometheus-config.ts';

export const MONITORING_GROUP = 'monitoring.coreos.com';

interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: string;
    readonly values?: readonly string[];
  }[];
}

/** metav1.LabelSelector over a label set (In, NotIn, Exists, DoesNotExist; an unknown operator matches nothing). */
export function matchesSelector(
  selector: LabelSelector | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    const ok =
      operator === 'In'
        ? has && values.includes(labels[key]!)
        : operator === 'NotIn'
          ? !has || !values.includes(labels[key]!)
          : operator === 'Exists'
            ? has
            : operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

interface ServiceMonitorObject extends KubeObject {
  readonly spec?: ServiceMonitorSpec & {
    readonly selector?: LabelSelector;
    readonly namespaceSelector?: { readonly any?: boolean; readonly matchNames?: readonly string[] };
  };
}

interface ServiceObject extends KubeObject {
  readonly spec?: {
    readonly selector?: Readonly<Record<string, string>>;
    readonly ports?: readonly { readonly name?: string }[];
  };
}

function inNamespaces(monitor: ServiceMonitorObject, namespace: string): boolean {
  const selector = monitor.spec?.namespaceSelector;
  if (selector?.any) return true;
  if (selector?.matchNames && selector.matchNames.length > 0) return selector.matchNames.includes(namespace);
  return namespace === (monitor.metadata.namespace ?? 'default');
}

/** Pods as Endpoints list them: every pod the Service's selector matches, in its namespace. */
function endpointsOf(service: ServiceObject, pods: readonly MonitoredPod[]): MonitoredPod[] {
  const selector = service.spec?.selector;
  // A Service without a selector has hand-made Endpoints: none locally.
  if (!selector || Object.keys(selector).length === 0) return [];
  const namespace = service.metadata.namespace ?? 'default';
  return pods.filter(
    (pod) => pod.namespace === namespace && Object.entries(selector).every(([k, v]) => pod.labels[k] === v),
  );
}

/**
 * Every ServiceMonitor's targets over the Services and the running pods, sorted by address then
 * job, so equal inputs give equal files (the engine rewrites the file only when it changes).
 */
export function serviceMonitorTargets(objects: readonly KubeObject[], pods: readonly MonitoredPod[]): TargetGroup[] {
  const monitors = objects.filter(
    (o): o is ServiceMonitorObject => o.kind === 'ServiceMonitor' && o.apiVersion.startsWith(`${MONITORING_GROUP}/`),
  );
  const services = objects.filter((o): o is ServiceObject => o.kind === 'Service' && o.apiVersion === 'v1');
  const groups: TargetGroup[] = [];
  for (const monitor of monitors) {
    const spec = monitor.spec ?? {};
    const selected = services.filter(
      (service) =>
        inNamespaces(monitor, service.metadata.namespace ?? 'default') &&
        matchesSelector(spec.selector, service.metadata.labels ?? {}),
    );
    groups.push(
      ...scrapeTargets(
        // The selector was applied above (matchExpressions included): scrapeTargets keeps them all.
        { ...spec, selector: {} },
        selected.map((service) => ({
          service: {
            name: service.metadata.name,
            namespace: service.metadata.namespace ?? 'default',
            labels: service.metadata.labels ?? {},
            portNames: (service.spec?.ports ?? []).flatMap((p) => (p.name ? [p.name] : [])),
          } satisfies MonitoredService,
          pods: endpointsOf(service, pods),
        })),
      ),
    );
  }
  return groups.sort(
    (a, b) =>
      (a.targets[0] ?? '').localeCompare(b.targets[0] ?? '') ||
      (a.labels['job'] ?? '').localeCompare(b.labels['job'] ?? '') ||
      (a.labels['endpoint'] ?? '').localeCompare(b.labels['endpoint'] ?? ''),
  );
}
