// Lists every field present in a manifest that the local engine does not run, with why.
// A "support rule" describes what does run: `true` (the whole subtree), an object of rules per
// key (array items via "[0]" for the first item and "[*]" for any item), or a function for
// fields whose support depends on their value (probes, hooks). Anything not covered by a rule
// is reported at the highest unsupported path, never silently dropped.
import type { IgnoredField } from '../model.ts';
import { child, index, isRecord } from './fields.ts';

export type SupportRule =
  true | { readonly [key: string]: SupportRule } | ((value: unknown, path: string) => IgnoredField[]);

const CLUSTER_SCHEDULING = 'cluster only: scheduling needs nodes; local instances run on this machine';
const CLUSTER_NETWORK = 'cluster only: pod networking and DNS; local instances listen on 127.0.0.1 ports';
const NO_API = 'cluster only: there is no Kubernetes API locally';

/** Why a field (by its key) is not run locally. The default is "not run locally yet". */
const REASONS: Readonly<Record<string, string>> = {
  resources: 'cluster only: CPU/memory requests and limits are not enforced on local processes',
  affinity: CLUSTER_SCHEDULING,
  antiAffinity: CLUSTER_SCHEDULING,
  topologySpreadConstraints: CLUSTER_SCHEDULING,
  nodeSelector: CLUSTER_SCHEDULING,
  nodeName: CLUSTER_SCHEDULING,
  tolerations: CLUSTER_SCHEDULING,
  priority: CLUSTER_SCHEDULING,
  priorityClassName: CLUSTER_SCHEDULING,
  schedulerName: CLUSTER_SCHEDULING,
  runtimeClassName: CLUSTER_SCHEDULING,
  securityContext: 'cluster only: local processes run as the current user',
  serviceAccount: NO_API,
  serviceAccountName: NO_API,
  automountServiceAccountToken: NO_API,
  imagePullPolicy: 'no local effect: images map to local builds, nothing is pulled',
  imagePullSecrets: 'no local effect: images map to local builds, nothing is pulled',
  volumes: 'not run locally yet: volumes are not mounted into local processes',
  volumeMounts: 'not run locally yet: volumes are not mounted into local processes',
  dnsPolicy: CLUSTER_NETWORK,
  dnsConfig: CLUSTER_NETWORK,
  hostNetwork: CLUSTER_NETWORK,
  hostAliases: CLUSTER_NETWORK,
  hostname: CLUSTER_NETWORK,
  subdomain: CLUSTER_NETWORK,
  hostPort: CLUSTER_NETWORK,
  analysis: 'not run locally yet: AnalysisRun history limits are not applied; every run is kept',
  activeMetadata: 'not run locally yet: ephemeral pod metadata is not applied to local instances',
  previewMetadata: 'not run locally yet: ephemeral pod metadata is not applied to local instances',
  maxUnavailable: 'not run locally: the new ReplicaSet is scaled up in one step, the old one stays up until the switch',
  minReadySeconds: 'not run locally yet: an instance is Available as soon as it is Ready (minReadySeconds 0)',
  initContainers: 'not run locally yet: only containers[0] runs',
  ephemeralContainers: 'not run locally yet: only containers[0] runs',
  envFrom: 'not run locally yet: list variables under env',
  fieldRef: 'not run locally yet: only value, secretKeyRef and configMapKeyRef resolve locally',
  resourceFieldRef: 'not run locally yet: only value, secretKeyRef and configMapKeyRef resolve locally',
  workingDir: 'not run locally yet: processes start in the build directory',
  restartPolicy: 'no local effect: local instances are always restarted (Always)',
  terminationMessagePath: 'no local effect',
  terminationMessagePolicy: 'no local effect',
  annotations: 'no local effect: pod annotations only count in the revision hash',
  postStart: 'not run locally yet: only preStop hooks run',
  matchExpressions: 'not run locally yet: only matchLabels select instances',
  status: 'written by the controller: the local engine keeps its own status',
  creationTimestamp: 'no local effect: set by the API server',
};

function reasonFor(key: string): string {
  return REASONS[key] ?? 'not run locally yet';
}

/** Walks `value` against `rule` and returns the fields the rule does not cover. */
export function ignoredFields(value: unknown, rule: SupportRule, path: string): IgnoredField[] {
  if (rule === true || value === undefined || value === null) return [];
  if (typeof rule === 'function') return rule(value, path);
  const out: IgnoredField[] = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const itemRule = rule[`[${i}]`] ?? rule['[*]'];
      const itemPath = index(path, i);
      if (itemRule === undefined) out.push({ path: itemPath, reason: reasonFor(`[${i}]`) });
      else out.push(...ignoredFields(item, itemRule, itemPath));
    });
    return out;
  }
  if (!isRecord(value)) return out;
  for (const [key, v] of Object.entries(value)) {
    const keyRule = rule[key];
    const keyPath = child(path, key);
    if (keyRule === undefined) out.push({ path: keyPath, reason: reasonFor(key) });
    else out.push(...ignoredFields(v, keyRule, keyPath));
  }
  return out;
}

/** A rule that ignores its whole subtree with a fixed reason (e.g. containers after the first). */
export function ignoreAll(reason: string): SupportRule {
  return (_value, path) => [{ path, reason }];
}
