// The payments pod template (run by the Rollout) and the hardening every payments pod shares
// (migration Job, smoke Job): Pod Security "restricted", read-only root filesystem, no service
// account token, env only through explicit `env` entries the local engine can resolve.
import { createHash } from 'node:crypto';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { IJobSpec } from 'kubernetes-models/batch/v1/JobSpec';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { EnvironmentConfig } from '../environments/types.ts';
import type { ImageReference } from '../images.ts';
import { HTTP, labels, NAMES, POD_TEMPLATE_HASH_LABEL, SELECTOR } from './names.ts';

/** The distroless image's "nonroot" user (Dockerfile: USER 65532:65532). */
export const RUN_AS = 65532;

export const POD_SECURITY_CONTEXT: IPodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: RUN_AS,
  runAsGroup: RUN_AS,
  fsGroup: RUN_AS,
  seccompProfile: { type: 'RuntimeDefault' },
};

export const CONTAINER_SECURITY_CONTEXT: ISecurityContext = {
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The root filesystem is read-only; Node and its libraries may still write temp files. */
const TMP_VOLUME = { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } };
const TMP_MOUNT = { name: 'tmp', mountPath: '/tmp' };

/** What every payments pod spec has, whatever it runs. */
export function hardenedPodSpec(containers: IContainer[], extra: Partial<IPodSpec> = {}): IPodSpec {
  return {
    automountServiceAccountToken: false,
    // No Service env vars (PAYMENTS_ACTIVE_SERVICE_HOST, …): env comes only from `env` entries.
    enableServiceLinks: false,
    securityContext: POD_SECURITY_CONTEXT,
    volumes: [TMP_VOLUME],
    ...extra,
    containers: containers.map((container) => ({
      securityContext: CONTAINER_SECURITY_CONTEXT,
      volumeMounts: [TMP_MOUNT],
      ...container,
    })),
  };
}

/** A run-to-completion Job of one of the image's entry points (migration, smoke), never retried in place. */
export function entrypointJobSpec(
  env: EnvironmentConfig,
  image: ImageReference,
  job: {
    readonly container: string;
    /** app.kubernetes.io/name of the pods, for NetworkPolicies; never "payments" (the Services' selector). */
    readonly podName: string;
    readonly args: readonly string[];
    readonly env: IEnvVar[];
    readonly resources: IResourceRequirements;
    readonly backoffLimit: number;
    readonly activeDeadlineSeconds: number;
  },
): IJobSpec {
  return {
    backoffLimit: job.backoffLimit,
    activeDeadlineSeconds: job.activeDeadlineSeconds,
    template: {
      metadata: { labels: labels(job.podName) },
      spec: hardenedPodSpec(
        [
          {
            name: job.container,
            image: image.full,
            imagePullPolicy: env.rollout.imagePullPolicy,
            args: [...job.args],
            env: job.env,
            resources: job.resources,
          },
        ],
        { restartPolicy: 'Never' },
      ),
    },
  };
}

export function valueEnv(name: string, value: string): IEnvVar {
  return { name, value };
}

export function configMapEnv(name: string, key: string = name): IEnvVar {
  return { name, valueFrom: { configMapKeyRef: { name: NAMES.configMap, key } } };
}

export function secretEnv(name: string, secret: string, key: string = name): IEnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/** The ConfigMap payments-config: non-secret settings the service reads from its environment. */
export function settingsData(env: EnvironmentConfig): Record<string, string> {
  return {
    LOG_LEVEL: env.settings.logLevel,
    SHUTDOWN_DELAY_MS: String(env.shutdown.shutdownDelayMs),
    SHUTDOWN_TIMEOUT_MS: String(env.shutdown.shutdownTimeoutMs),
    DB_POOL_MAX: String(env.settings.dbPoolMax),
    FAULT_ERROR_RATE: String(env.settings.faultErrorRate),
    FAULT_LATENCY_MS: String(env.settings.faultLatencyMs),
  };
}

/**
 * A digest of the ConfigMap data on the pod template: a settings change is a new revision (new
 * rollouts-pod-template-hash), so it goes through blue/green and analysis like an image change.
 */
export const CONFIG_CHECKSUM_ANNOTATION = 'quickship.dev/config-checksum';

function checksum(data: Readonly<Record<string, string>>): string {
  const canonical = JSON.stringify(
    Object.keys(data)
      .sort()
      .map((key) => [key, data[key]]),
  );
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** The probes, on the named port; the numbers are the contract with the service's /healthz and /readyz. */
const PROBES = {
  // Up to 60 s to start (migrations are a separate Job, so start-up is only process boot).
  startupProbe: {
    httpGet: { path: '/healthz', port: HTTP.name },
    periodSeconds: 2,
    timeoutSeconds: 2,
    failureThreshold: 30,
  },
  // Out of the endpoints within ~10 s of /readyz failing (e.g. lost database, draining).
  readinessProbe: {
    httpGet: { path: '/readyz', port: HTTP.name },
    periodSeconds: 5,
    timeoutSeconds: 2,
    failureThreshold: 2,
    successThreshold: 1,
  },
  // Restart only a process that stopped answering at all.
  livenessProbe: {
    httpGet: { path: '/healthz', port: HTTP.name },
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold: 3,
  },
};

export function paymentsPodTemplate(env: EnvironmentConfig, image: ImageReference): IPodTemplateSpec {
  const container: IContainer = {
    name: 'payments',
    image: image.full,
    imagePullPolicy: env.rollout.imagePullPolicy,
    ports: [{ name: HTTP.name, containerPort: HTTP.containerPort, protocol: 'TCP' }],
    env: [
      // HOST is left to the service's default (0.0.0.0), so the local engine can bind loopback.
      valueEnv('PORT', String(HTTP.containerPort)),
      valueEnv('APP_VERSION', image.version),
      ...Object.keys(settingsData(env)).map((key) => configMapEnv(key)),
      secretEnv('DATABASE_URL', NAMES.secret),
      secretEnv('PAYMENTS_API_KEYS', NAMES.secret),
    ],
    resources: {
      requests: { cpu: env.resources.requests.cpu, memory: env.resources.requests.memory },
      limits: { cpu: env.resources.limits.cpu, memory: env.resources.limits.memory },
    },
    ...PROBES,
    // Native sleep action (Kubernetes ≥ 1.30, PodLifecycleSleepAction): the distroless image has
    // no `sleep` binary for an exec hook. Keeps the pod serving while endpoint removal propagates.
    lifecycle: { preStop: { sleep: { seconds: env.shutdown.preStopSleepSeconds } } },
  };

  const spreadFor = (topologyKey: string, whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway') => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable,
    labelSelector: { matchLabels: { ...SELECTOR } },
    // Spread each revision on its own: during blue/green both ReplicaSets run side by side.
    matchLabelKeys: [POD_TEMPLATE_HASH_LABEL],
  });

  return {
    metadata: {
      labels: labels(),
      annotations: { [CONFIG_CHECKSUM_ANNOTATION]: checksum(settingsData(env)) },
    },
    spec: hardenedPodSpec([container], {
      serviceAccountName: NAMES.serviceAccount,
      terminationGracePeriodSeconds: env.shutdown.terminationGracePeriodSeconds,
      ...(env.rollout.zoneSpread
        ? {
            topologySpreadConstraints: [
              spreadFor('topology.kubernetes.io/zone', 'DoNotSchedule'),
              spreadFor('kubernetes.io/hostname', 'ScheduleAnyway'),
            ],
          }
        : {}),
    }),
  };
}
