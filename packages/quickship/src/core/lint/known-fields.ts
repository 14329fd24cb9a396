// The field names of the Rollout CRD (manifests/crds/rollout-crd.yaml, argoproj.io/v1alpha1) and
// of the core/v1 pod template, down to the container. `kubectl argo rollouts lint` decodes with
// yaml.UnmarshalStrict(DisallowUnknownFields) into the Go types, so the first unknown key in
// document order fails the file: `json: unknown field "unknown-strategy"`. This is a compact
// allow-list of those types; subtrees marked `true` (affinity, canary traffic routing, analysis
// args, ...) are not checked field by field.

export type KnownFields = true | { readonly [key: string]: KnownFields };

const objectMeta: KnownFields = {
  name: true,
  generateName: true,
  namespace: true,
  selfLink: true,
  uid: true,
  resourceVersion: true,
  generation: true,
  creationTimestamp: true,
  deletionTimestamp: true,
  deletionGracePeriodSeconds: true,
  labels: true,
  annotations: true,
  ownerReferences: true,
  finalizers: true,
  managedFields: true,
};

const httpGet: KnownFields = { path: true, port: true, host: true, scheme: true, httpHeaders: true };
const handler: KnownFields = { exec: true, httpGet, tcpSocket: true, grpc: true, sleep: true };
const probe: KnownFields = {
  exec: true,
  httpGet,
  tcpSocket: true,
  grpc: true,
  initialDelaySeconds: true,
  timeoutSeconds: true,
  periodSeconds: true,
  successThreshold: true,
  failureThreshold: true,
  terminationGracePeriodSeconds: true,
};

const container: KnownFields = {
  name: true,
  image: true,
  command: true,
  args: true,
  workingDir: true,
  ports: { name: true, hostPort: true, containerPort: true, protocol: true, hostIP: true },
  envFrom: true,
  env: {
    name: true,
    value: true,
    valueFrom: { fieldRef: true, resourceFieldRef: true, configMapKeyRef: true, secretKeyRef: true },
  },
  resources: true,
  resizePolicy: true,
  restartPolicy: true,
  restartPolicyRules: true,
  volumeMounts: true,
  volumeDevices: true,
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
  lifecycle: { postStart: handler, preStop: handler, stopSignal: true },
  terminationMessagePath: true,
  terminationMessagePolicy: true,
  imagePullPolicy: true,
  securityContext: true,
  stdin: true,
  stdinOnce: true,
  tty: true,
};

const podSpec: KnownFields = {
  volumes: true,
  initContainers: container,
  containers: container,
  ephemeralContainers: true,
  restartPolicy: true,
  terminationGracePeriodSeconds: true,
  activeDeadlineSeconds: true,
  dnsPolicy: true,
  nodeSelector: true,
  serviceAccountName: true,
  serviceAccount: true,
  automountServiceAccountToken: true,
  nodeName: true,
  hostNetwork: true,
  hostPID: true,
  hostIPC: true,
  shareProcessNamespace: true,
  securityContext: true,
  imagePullSecrets: true,
  hostname: true,
  hostnameOverride: true,
  subdomain: true,
  affinity: true,
  schedulerName: true,
  tolerations: true,
  hostAliases: true,
  priorityClassName: true,
  priority: true,
  dnsConfig: true,
  readinessGates: true,
  runtimeClassName: true,
  enableServiceLinks: true,
  preemptionPolicy: true,
  overhead: true,
  topologySpreadConstraints: true,
  setHostnameAsFQDN: true,
  os: true,
  hostUsers: true,
  schedulingGates: true,
  resourceClaims: true,
  resources: true,
};

const rolloutAnalysis: KnownFields = {
  templates: true,
  args: true,
  dryRun: true,
  measurementRetention: true,
  analysisRunMetadata: true,
};

const blueGreen: KnownFields = {
  activeService: true,
  previewService: true,
  previewReplicaCount: true,
  autoPromotionEnabled: true,
  autoPromotionSeconds: true,
  maxUnavailable: true,
  scaleDownDelaySeconds: true,
  scaleDownDelayRevisionLimit: true,
  prePromotionAnalysis: rolloutAnalysis,
  antiAffinity: true,
  postPromotionAnalysis: rolloutAnalysis,
  previewMetadata: { labels: true, annotations: true },
  activeMetadata: { labels: true, annotations: true },
  abortScaleDownDelaySeconds: true,
};

const canary: KnownFields = {
  canaryService: true,
  stableService: true,
  steps: true,
  trafficRouting: true,
  maxUnavailable: true,
  maxSurge: true,
  analysis: true,
  antiAffinity: true,
  canaryMetadata: true,
  stableMetadata: true,
  scaleDownDelaySeconds: true,
  scaleDownDelayRevisionLimit: true,
  abortScaleDownDelaySeconds: true,
  dynamicStableScale: true,
  pingPong: true,
  minPodsPerReplicaSet: true,
  replicaProgressThreshold: true,
};

export const rolloutKnownFields: KnownFields = {
  apiVersion: true,
  kind: true,
  metadata: objectMeta,
  spec: {
    replicas: true,
    selector: { matchLabels: true, matchExpressions: { key: true, operator: true, values: true } },
    template: { metadata: objectMeta, spec: podSpec },
    workloadRef: { apiVersion: true, kind: true, name: true, scaleDown: true },
    minReadySeconds: true,
    strategy: { blueGreen, canary },
    analysis: { successfulRunHistoryLimit: true, unsuccessfulRunHistoryLimit: true },
    revisionHistoryLimit: true,
    paused: true,
    progressDeadlineSeconds: true,
    progressDeadlineAbort: true,
    restartAt: true,
    rollbackWindow: { revisions: true },
  },
  status: true,
};

/** The first key in document order that `known` does not list, with its path (depth first). */
export function firstUnknownField(
  value: unknown,
  known: KnownFields,
  path = '',
): { path: string; key: string } | undefined {
  if (known === true || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = firstUnknownField(item, known, `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    const sub = known[key];
    if (sub === undefined) return { path: childPath, key };
    const found = firstUnknownField(v, sub, childPath);
    if (found !== undefined) return found;
  }
  return undefined;
}
