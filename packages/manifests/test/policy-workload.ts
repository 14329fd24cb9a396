// Policies on the workload: the blue/green Rollout, its pods, their termination, their env,
// and every other pod the tree starts (migration Job, smoke Job).
import type { IAnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import type { IRollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IService } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { readImagesFile } from '../src/index.ts';
import { appObjects, environments, find, ofKind, type RenderedObject } from './tree.ts';

const { eks, local } = environments;

/** Every pod spec in a tree, named by where it is. */
function podSpecs(objects: readonly RenderedObject[]): [string, IPodSpec][] {
  const out: [string, IPodSpec][] = [];
  for (const { object } of objects) {
    const where = `${object.kind}/${object.metadata.name}`;
    if (object.kind === 'Rollout') out.push([where, (object as unknown as IRollout).spec.template?.spec as IPodSpec]);
    if (object.kind === 'Job') out.push([where, (object as unknown as IJob).spec?.template.spec as IPodSpec]);
    if (object.kind === 'AnalysisTemplate') {
      for (const metric of (object as unknown as IAnalysisTemplate).spec.metrics) {
        const job = metric.provider.job as { spec: IJob['spec'] } | undefined;
        if (job) out.push([`${where} metric ${metric.name}`, job.spec?.template.spec as IPodSpec]);
      }
    }
  }
  return out;
}

describe.each([
  ['eks', eks],
  ['local', local],
] as const)('workload policies (%s)', (_name, env) => {
  const objects = appObjects(env);
  const rollout = find<IRollout>(objects, 'Rollout', 'payments');
  const pod = rollout.spec.template?.spec as IPodSpec;
  const container = pod.containers[0];
  const config = find<IConfigMap>(objects, 'ConfigMap', 'payments-config').data ?? {};

  it('is a blue/green Rollout with active and preview Services and manual promotion', () => {
    const bg = rollout.spec.strategy?.blueGreen;
    expect(bg?.activeService).toBe('payments-active');
    expect(bg?.previewService).toBe('payments-preview');
    expect(bg?.autoPromotionEnabled).toBe(false);
    for (const name of [bg?.activeService, bg?.previewService]) {
      const service = find<IService>(objects, 'Service', name ?? '');
      expect(service.spec?.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
      expect(service.spec?.selector).toEqual(rollout.spec.selector?.matchLabels);
    }
  });

  it('analyses the new revision before promotion (smoke first) and references only templates it ships', () => {
    const bg = rollout.spec.strategy?.blueGreen;
    const pre = bg?.prePromotionAnalysis;
    expect(pre?.templates?.[0]?.templateName).toBe('smoke');
    const templates = new Set(ofKind<IAnalysisTemplate>(objects, 'AnalysisTemplate').map((t) => t.metadata?.name));
    for (const analysis of [pre, bg?.postPromotionAnalysis]) {
      if (!analysis) continue;
      for (const ref of analysis.templates ?? [])
        expect(templates.has(ref.templateName), `template ${ref.templateName}`).toBe(true);
      expect(analysis.args).toEqual([{ name: 'pod-template-hash', valueFrom: { podTemplateHashValue: 'Latest' } }]);
    }
  });

  it('runs every container non-root, read-only, without privilege escalation or capabilities, seccomp RuntimeDefault', () => {
    for (const [where, spec] of podSpecs(objects)) {
      expect(spec.securityContext?.runAsNonRoot, where).toBe(true);
      expect(spec.securityContext?.runAsUser, where).toBeGreaterThan(0);
      expect(spec.securityContext?.seccompProfile?.type, where).toBe('RuntimeDefault');
      expect(spec.automountServiceAccountToken, where).toBe(false);
      expect(spec.hostNetwork ?? false, where).toBe(false);
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        const sc = c.securityContext;
        expect(sc?.allowPrivilegeEscalation, `${where} ${c.name}`).toBe(false);
        expect(sc?.readOnlyRootFilesystem, `${where} ${c.name}`).toBe(true);
        expect(sc?.privileged ?? false, `${where} ${c.name}`).toBe(false);
        expect(sc?.capabilities?.drop, `${where} ${c.name}`).toEqual(['ALL']);
        expect(sc?.capabilities?.add ?? [], `${where} ${c.name}`).toEqual([]);
        expect(c.resources?.requests?.cpu && c.resources.requests.memory, `${where} ${c.name} requests`).toBeTruthy();
        expect(c.resources?.limits?.cpu && c.resources.limits.memory, `${where} ${c.name} limits`).toBeTruthy();
        expect(c.envFrom, `${where} ${c.name}: env only through env entries the local engine resolves`).toBeUndefined();
      }
    }
  });

  it('takes env only from values, payments-config keys that exist and payments-secrets keys', () => {
    for (const [where, spec] of podSpecs(objects)) {
      for (const c of spec.containers) {
        for (const e of c.env ?? []) {
          const from = e.valueFrom;
          if (!from) {
            expect(typeof e.value, `${where} ${e.name}`).toBe('string');
            continue;
          }
          expect(Object.keys(from), `${where} ${e.name}`).toHaveLength(1);
          if (from.configMapKeyRef) {
            expect(from.configMapKeyRef.name).toBe('payments-config');
            expect(Object.keys(config), `${where} ${e.name}`).toContain(from.configMapKeyRef.key);
          } else {
            expect(['payments-secrets', 'payments-migrate-secrets'], `${where} ${e.name}`).toContain(
              from.secretKeyRef?.name,
            );
            expect(['DATABASE_URL', 'PAYMENTS_API_KEYS']).toContain(from.secretKeyRef?.key);
          }
        }
      }
    }
    expect(Object.keys(config).sort()).toEqual([
      'DB_POOL_MAX',
      'FAULT_ERROR_RATE',
      'FAULT_LATENCY_MS',
      'LOG_LEVEL',
      'SHUTDOWN_DELAY_MS',
      'SHUTDOWN_TIMEOUT_MS',
    ]);
    expect(config.FAULT_ERROR_RATE).toBe('0');
    expect(config.FAULT_LATENCY_MS).toBe('0');
    const names = container?.env?.map((e) => e.name) ?? [];
    for (const required of [
      'PORT',
      'DATABASE_URL',
      'PAYMENTS_API_KEYS',
      'LOG_LEVEL',
      'SHUTDOWN_DELAY_MS',
      'SHUTDOWN_TIMEOUT_MS',
      'DB_POOL_MAX',
      'FAULT_ERROR_RATE',
      'FAULT_LATENCY_MS',
    ]) {
      expect(names).toContain(required);
    }
  });

  it('probes readiness on /readyz, liveness and startup on /healthz, all on the named port http (3000)', () => {
    expect(container?.ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
    expect(container?.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container?.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container?.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    // Liveness must not kill a pod that readiness has only just taken out of rotation.
    const readinessFails =
      (container?.readinessProbe?.periodSeconds ?? 10) * (container?.readinessProbe?.failureThreshold ?? 3);
    const livenessFails =
      (container?.livenessProbe?.periodSeconds ?? 10) * (container?.livenessProbe?.failureThreshold ?? 3);
    expect(livenessFails).toBeGreaterThan(readinessFails);
  });

  it('sleeps in preStop (native sleep action) and gives SIGTERM drain its full time before SIGKILL', () => {
    const preStop = container?.lifecycle?.preStop;
    expect(preStop?.exec, 'the distroless image has no sleep binary').toBeUndefined();
    const sleep = preStop?.sleep?.seconds ?? 0;
    expect(sleep).toBeGreaterThan(0);
    const drainSeconds = (Number(config.SHUTDOWN_DELAY_MS) + Number(config.SHUTDOWN_TIMEOUT_MS)) / 1000;
    expect(pod.terminationGracePeriodSeconds ?? 30).toBeGreaterThanOrEqual(sleep + drainSeconds);
  });

  it('changes the revision when payments-config changes (its checksum is on the pod template)', () => {
    expect(rollout.spec.template?.metadata?.annotations?.['quickship.dev/config-checksum']).toMatch(/^[0-9a-f]{16}$/);
  });

  it('runs the image from images.json in the Rollout, the migration Job and the smoke Job', () => {
    const image = readImagesFile()[env.name]?.payments;
    const images = podSpecs(objects).flatMap(([where, spec]) => spec.containers.map((c) => [where, c.image] as const));
    expect(images.length).toBeGreaterThanOrEqual(3);
    for (const [where, ref] of images) expect(ref, where).toBe(image);
  });

  it('runs migrations as an Argo CD PreSync hook with the same image, replaced on each sync', () => {
    const job = find<IJob>(objects, 'Job', 'payments-migrate');
    expect(job.metadata?.annotations?.['argocd.argoproj.io/hook']).toBe('PreSync');
    expect(job.metadata?.annotations?.['argocd.argoproj.io/hook-delete-policy']).toBe('BeforeHookCreation');
    expect(job.spec?.template.spec?.containers[0]?.args).toEqual(['services/payments/dist/migrate.mjs']);
    expect(job.spec?.template.spec?.restartPolicy).toBe('Never');
    // It must not match the Services' selector, or it would receive traffic.
    expect(job.spec?.template.metadata?.labels?.['app.kubernetes.io/name']).not.toBe('payments');
  });

  it('enforces Pod Security "restricted" on the namespace and mounts no ServiceAccount token', () => {
    const ns = find<INamespace>(objects, 'Namespace', env.namespace);
    expect(ns.metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(find<IServiceAccount>(objects, 'ServiceAccount', 'payments').automountServiceAccountToken).toBe(false);
  });
});

describe('production (eks) sizing', () => {
  const rollout = find<IRollout>(appObjects(eks), 'Rollout', 'payments');
  it('runs at least two replicas spread over zones, each revision on its own', () => {
    expect(rollout.spec.replicas).toBeGreaterThanOrEqual(2);
    const zone = rollout.spec.template?.spec?.topologySpreadConstraints?.find(
      (c) => c.topologyKey === 'topology.kubernetes.io/zone',
    ) as { whenUnsatisfiable: string; matchLabelKeys?: string[]; maxSkew: number } | undefined;
    expect(zone?.whenUnsatisfiable).toBe('DoNotSchedule');
    expect(zone?.maxSkew).toBe(1);
    expect(zone?.matchLabelKeys).toEqual(['rollouts-pod-template-hash']);
  });
});
