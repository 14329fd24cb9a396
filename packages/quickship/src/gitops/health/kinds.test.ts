// The branches of each kind's check that the upstream corpus does not exercise (Deployments,
// StatefulSets, ReplicaSets, DaemonSets, PVCs, APIServices, the External Secrets, Prometheus, PDB,
// ApplicationSet and Application scripts, versions upstream rejects, objects being deleted), each
// with upstream's status and message. Objects are written here, from the fields each check reads.
import { describe, expect, it } from 'vitest';
import type { HealthStatus, KubeObject } from '../../store/object.ts';
import { resourceHealth } from './health.ts';

function obj(apiVersion: string, kind: string, rest: Partial<KubeObject> & { meta?: object } = {}): KubeObject {
  const { meta, ...fields } = rest;
  return { apiVersion, kind, metadata: { name: 'x', namespace: 'ns', generation: 2, ...meta }, ...fields };
}

const cond = (type: string, status: string, reason = '', message = ''): object => ({ type, status, reason, message });

type Case = readonly [name: string, object: KubeObject, expected: HealthStatus | undefined];

const deployment = (spec: object, status: object): KubeObject =>
  obj('apps/v1', 'Deployment', { spec: { replicas: 3, ...spec }, status: { observedGeneration: 2, ...status } });
const full = { replicas: 3, updatedReplicas: 3, availableReplicas: 3 };

const CASES: readonly Case[] = [
  // Deployment
  ['Deployment paused', deployment({ paused: true }, full), { status: 'Suspended', message: 'Deployment is paused' }],
  [
    'Deployment generation not observed',
    deployment({}, { ...full, observedGeneration: 1 }),
    {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed deployment generation less than desired generation',
    },
  ],
  [
    'Deployment past its progress deadline',
    deployment({}, { ...full, conditions: [cond('Progressing', 'False', 'ProgressDeadlineExceeded')] }),
    { status: 'Degraded', message: 'Deployment "x" exceeded its progress deadline' },
  ],
  [
    'Deployment updating',
    deployment({}, { ...full, updatedReplicas: 1 }),
    { status: 'Progressing', message: 'Waiting for rollout to finish: 1 out of 3 new replicas have been updated...' },
  ],
  [
    'Deployment with old replicas',
    deployment({}, { ...full, replicas: 4 }),
    { status: 'Progressing', message: 'Waiting for rollout to finish: 1 old replicas are pending termination...' },
  ],
  [
    'Deployment becoming available',
    deployment({}, { ...full, availableReplicas: 2 }),
    { status: 'Progressing', message: 'Waiting for rollout to finish: 2 of 3 updated replicas are available...' },
  ],
  ['Deployment done', deployment({}, full), { status: 'Healthy' }],
  [
    'Deployment in a version upstream does not convert',
    obj('apps/v1beta2', 'Deployment'),
    { status: 'Unknown', message: 'unsupported Deployment GVK: apps/v1beta2, Kind=Deployment' },
  ],
  // StatefulSet
  [
    'StatefulSet never observed',
    obj('apps/v1', 'StatefulSet', { spec: { replicas: 2 }, status: {} }),
    { status: 'Progressing', message: 'Waiting for statefulset spec update to be observed...' },
  ],
  [
    'StatefulSet pods not ready',
    obj('apps/v1', 'StatefulSet', { spec: { replicas: 3 }, status: { observedGeneration: 2, readyReplicas: 1 } }),
    { status: 'Progressing', message: 'Waiting for 2 pods to be ready...' },
  ],
  [
    'StatefulSet partitioned, behind',
    obj('apps/v1', 'StatefulSet', {
      spec: { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } },
      status: { observedGeneration: 2, readyReplicas: 3, updatedReplicas: 1 },
    }),
    {
      status: 'Progressing',
      message: 'Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...',
    },
  ],
  [
    'StatefulSet partitioned, done',
    obj('apps/v1', 'StatefulSet', {
      spec: { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } },
      status: { observedGeneration: 2, readyReplicas: 3, updatedReplicas: 2 },
    }),
    { status: 'Healthy', message: 'partitioned roll out complete: 2 new pods have been updated...' },
  ],
  [
    'StatefulSet OnDelete',
    obj('apps/v1', 'StatefulSet', {
      spec: { replicas: 1, updateStrategy: { type: 'OnDelete' } },
      status: { observedGeneration: 2, readyReplicas: 1 },
    }),
    { status: 'Healthy', message: 'statefulset has 1 ready pods' },
  ],
  [
    'StatefulSet between revisions',
    obj('apps/v1', 'StatefulSet', {
      spec: { replicas: 1 },
      status: {
        observedGeneration: 2,
        readyReplicas: 1,
        updatedReplicas: 0,
        currentRevision: 'a',
        updateRevision: 'b',
      },
    }),
    { status: 'Progressing', message: 'waiting for statefulset rolling update to complete 0 pods at revision b...' },
  ],
  [
    'StatefulSet rolled',
    obj('apps/v1', 'StatefulSet', {
      spec: { replicas: 1 },
      status: {
        observedGeneration: 2,
        readyReplicas: 1,
        currentReplicas: 1,
        currentRevision: 'b',
        updateRevision: 'b',
      },
    }),
    { status: 'Healthy', message: 'statefulset rolling update complete 1 pods at revision b...' },
  ],
  // ReplicaSet
  [
    'ReplicaSet failing to create pods',
    obj('apps/v1', 'ReplicaSet', {
      spec: { replicas: 2 },
      status: { observedGeneration: 2, conditions: [cond('ReplicaFailure', 'True', 'FailedCreate', 'quota')] },
    }),
    { status: 'Degraded', message: 'quota' },
  ],
  [
    'ReplicaSet not all available',
    obj('apps/v1', 'ReplicaSet', { spec: { replicas: 2 }, status: { observedGeneration: 2, availableReplicas: 1 } }),
    { status: 'Progressing', message: 'Waiting for rollout to finish: 1 out of 2 new replicas are available...' },
  ],
  [
    'ReplicaSet available',
    obj('apps/v1', 'ReplicaSet', { spec: { replicas: 2 }, status: { observedGeneration: 2, availableReplicas: 2 } }),
    { status: 'Healthy' },
  ],
  // DaemonSet
  [
    'DaemonSet not observed',
    obj('apps/v1', 'DaemonSet', { status: { observedGeneration: 1 } }),
    {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed daemon set generation less than desired generation',
    },
  ],
  [
    'DaemonSet OnDelete',
    obj('apps/v1', 'DaemonSet', {
      spec: { updateStrategy: { type: 'OnDelete' } },
      status: { observedGeneration: 2, updatedNumberScheduled: 1, desiredNumberScheduled: 3 },
    }),
    { status: 'Healthy', message: 'daemon set 1 out of 3 new pods have been updated' },
  ],
  [
    'DaemonSet updating',
    obj('apps/v1', 'DaemonSet', {
      status: { observedGeneration: 2, updatedNumberScheduled: 1, desiredNumberScheduled: 3 },
    }),
    {
      status: 'Progressing',
      message: 'Waiting for daemon set "x" rollout to finish: 1 out of 3 new pods have been updated...',
    },
  ],
  [
    'DaemonSet becoming available',
    obj('apps/v1', 'DaemonSet', {
      status: { observedGeneration: 2, updatedNumberScheduled: 3, desiredNumberScheduled: 3, numberAvailable: 2 },
    }),
    {
      status: 'Progressing',
      message: 'Waiting for daemon set "x" rollout to finish: 2 of 3 updated pods are available...',
    },
  ],
  // PersistentVolumeClaim
  ['PVC bound', obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Bound' } }), { status: 'Healthy' }],
  ['PVC pending', obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Pending' } }), { status: 'Progressing' }],
  ['PVC lost', obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Lost' } }), { status: 'Degraded' }],
  ['PVC without phase', obj('v1', 'PersistentVolumeClaim', { status: {} }), { status: 'Unknown' }],
  [
    'PVC with phase "toString"',
    obj('v1', 'PersistentVolumeClaim', { status: { phase: 'toString' } }),
    { status: 'Unknown' },
  ],
  // APIService
  [
    'APIService available',
    obj('apiregistration.k8s.io/v1', 'APIService', {
      status: { conditions: [cond('Available', 'True', 'Passed', 'all checks passed')] },
    }),
    { status: 'Healthy', message: 'Passed: all checks passed' },
  ],
  [
    'APIService unavailable',
    obj('apiregistration.k8s.io/v1beta1', 'APIService', {
      status: { conditions: [cond('Available', 'False', 'MissingEndpoints', 'no endpoints')] },
    }),
    { status: 'Progressing', message: 'MissingEndpoints: no endpoints' },
  ],
  [
    'APIService not processed',
    obj('apiregistration.k8s.io/v1', 'APIService'),
    { status: 'Progressing', message: 'Waiting to be processed' },
  ],
  // Other versions
  ['Ingress in extensions', obj('extensions/v1beta1', 'Ingress', { status: {} }), { status: 'Progressing' }],
  [
    'HPA autoscaling/v2beta2',
    obj('autoscaling/v2beta2', 'HorizontalPodAutoscaler'),
    { status: 'Unknown', message: 'unsupported HPA GVK: autoscaling/v2beta2, Kind=HorizontalPodAutoscaler' },
  ],
  [
    'HPA v1 with conditions that are not a list',
    obj('autoscaling/v1', 'HorizontalPodAutoscaler', {
      meta: { annotations: { 'autoscaling.alpha.kubernetes.io/conditions': '{}' } },
    }),
    {
      status: 'Unknown',
      message:
        'failed to convert conditions annotation to typed: autoscaling.alpha.kubernetes.io/conditions is not a JSON array',
    },
  ],
  [
    'Service of type LoadBalancer with no address',
    obj('v1', 'Service', { spec: { type: 'LoadBalancer' } }),
    { status: 'Progressing' },
  ],
  // argoproj.io Workflow (gitops-engine)
  [
    'Workflow running',
    obj('argoproj.io/v1alpha1', 'Workflow', { status: { phase: 'Running', message: 'm' } }),
    { status: 'Progressing', message: 'm' },
  ],
  [
    'Workflow failed',
    obj('argoproj.io/v1alpha1', 'Workflow', { status: { phase: 'Error' } }),
    { status: 'Degraded', message: '' },
  ],
  [
    'Workflow odd phase',
    obj('argoproj.io/v1alpha1', 'Workflow', { status: { phase: 'Odd' } }),
    { status: 'Unknown', message: '' },
  ],
  // External Secrets (Lua)
  [
    'ExternalSecret never reconciled',
    obj('external-secrets.io/v1', 'ExternalSecret'),
    { status: 'Progressing', message: 'Waiting for ExternalSecret' },
  ],
  [
    'ExternalSecret not ready',
    obj('external-secrets.io/v1', 'ExternalSecret', {
      status: { conditions: [cond('Ready', 'False', 'SecretSyncedError', 'could not get secret data')] },
    }),
    { status: 'Degraded', message: 'could not get secret data' },
  ],
  [
    'SecretStore ready',
    obj('external-secrets.io/v1', 'SecretStore', {
      status: { conditions: [cond('Ready', 'True', 'Valid', 'store validated')] },
    }),
    { status: 'Healthy', message: 'store validated' },
  ],
  [
    'ClusterSecretStore never reconciled',
    obj('external-secrets.io/v1', 'ClusterSecretStore', { status: { conditions: [cond('Ready', 'Unknown')] } }),
    { status: 'Progressing', message: 'Waiting for ClusterSecretStore' },
  ],
  // monitoring.coreos.com (Lua for Prometheus only)
  [
    'Prometheus not initialised',
    obj('monitoring.coreos.com/v1', 'Prometheus'),
    { status: 'Progressing', message: 'Waiting for initialization' },
  ],
  [
    'Prometheus some pods not ready',
    obj('monitoring.coreos.com/v1', 'Prometheus', {
      status: { conditions: [{ type: 'Available', status: 'False', reason: 'SomePodsNotReady' }] },
    }),
    { status: 'Progressing', message: 'SomePodsNotReady' },
  ],
  [
    'Prometheus unavailable',
    obj('monitoring.coreos.com/v1', 'Prometheus', {
      status: { conditions: [cond('Available', 'False', 'NoPodReady', 'shard 0 down')] },
    }),
    { status: 'Degraded', message: 'shard 0 down' },
  ],
  [
    'Prometheus available',
    obj('monitoring.coreos.com/v1', 'Prometheus', { status: { conditions: [cond('Available', 'True')] } }),
    { status: 'Healthy', message: 'All instances are available' },
  ],
  ['ServiceMonitor', obj('monitoring.coreos.com/v1', 'ServiceMonitor'), undefined],
  ['PrometheusRule', obj('monitoring.coreos.com/v1', 'PrometheusRule'), undefined],
  // policy PodDisruptionBudget (Lua)
  [
    'PDB without status',
    obj('policy/v1', 'PodDisruptionBudget'),
    { status: 'Progressing', message: 'Waiting for status' },
  ],
  [
    'PDB with too few pods',
    obj('policy/v1', 'PodDisruptionBudget', {
      status: { conditions: [cond('DisruptionAllowed', 'False', 'InsufficientPods')] },
    }),
    { status: 'Healthy', message: 'PodDisruptionBudget has InsufficientPods' },
  ],
  [
    'PDB failing to sync',
    obj('policy/v1', 'PodDisruptionBudget', {
      status: { conditions: [cond('DisruptionAllowed', 'False', 'SyncFailed')] },
    }),
    { status: 'Degraded', message: 'PodDisruptionBudget has SyncFailed' },
  ],
  // ApplicationSet (Lua)
  [
    'ApplicationSet without status',
    obj('argoproj.io/v1alpha1', 'ApplicationSet'),
    { status: 'Progressing', message: 'Waiting for the status to be reported' },
  ],
  [
    'ApplicationSet in error, even when up to date',
    obj('argoproj.io/v1alpha1', 'ApplicationSet', {
      status: {
        conditions: [cond('ResourcesUpToDate', 'True', '', 'ok'), cond('ErrorOccurred', 'True', '', 'bad template')],
      },
    }),
    { status: 'Degraded', message: 'bad template' },
  ],
  [
    'ApplicationSet up to date',
    obj('argoproj.io/v1alpha1', 'ApplicationSet', {
      status: { conditions: [cond('ResourcesUpToDate', 'True', '', 'ok')] },
    }),
    { status: 'Healthy', message: 'ok' },
  ],
  // Rollout script branches the corpus does not reach
  [
    'Rollout with a phase Argo CD does not know',
    obj('argoproj.io/v1alpha1', 'Rollout', { spec: {}, status: { observedGeneration: 2, phase: 'Odd' } }),
    { status: 'Unknown', message: 'Lua returned an invalid health status' },
  ],
  [
    'Rollout status without conditions (the Lua script fails)',
    obj('argoproj.io/v1alpha1', 'Rollout', { spec: {}, status: { observedGeneration: 2 } }),
    { status: 'Unknown', message: 'Rollout health.lua fails: status.conditions is missing' },
  ],
  [
    'blue/green Rollout before the active Service is switched',
    obj('argoproj.io/v1alpha1', 'Rollout', {
      spec: { replicas: 1, strategy: { blueGreen: {} } },
      status: {
        observedGeneration: 2,
        conditions: [],
        currentPodHash: 'b',
        updatedReplicas: 1,
        availableReplicas: 1,
        blueGreen: { activeSelector: 'a' },
      },
    }),
    { status: 'Progressing', message: 'active service cutover pending' },
  ],
  [
    'blue/green Rollout switched, stable not yet the new hash',
    obj('argoproj.io/v1alpha1', 'Rollout', {
      spec: { replicas: 1, strategy: { blueGreen: {} } },
      status: {
        observedGeneration: 2,
        conditions: [],
        currentPodHash: 'b',
        stableRS: 'a',
        updatedReplicas: 1,
        availableReplicas: 1,
        blueGreen: { activeSelector: 'b' },
      },
    }),
    { status: 'Progressing', message: 'waiting for analysis to complete' },
  ],
  [
    'canary Rollout with steps left',
    obj('argoproj.io/v1alpha1', 'Rollout', {
      spec: { replicas: 1, strategy: { canary: {} } },
      status: {
        observedGeneration: 2,
        conditions: [],
        currentPodHash: 'b',
        stableRS: 'a',
        replicas: 1,
        updatedReplicas: 1,
        availableReplicas: 1,
      },
    }),
    { status: 'Progressing', message: 'Waiting for rollout to finish steps' },
  ],
  // AnalysisRun with a status but no phase: the script returns an empty table (no health)
  ['AnalysisRun with an empty status', obj('argoproj.io/v1alpha1', 'AnalysisRun', { status: {} }), undefined],
  // Kinds Argo CD has no check for
  ['ConfigMap', obj('v1', 'ConfigMap'), undefined],
  ['NetworkPolicy', obj('networking.k8s.io/v1', 'NetworkPolicy'), undefined],
  ['AnalysisTemplate', obj('argoproj.io/v1alpha1', 'AnalysisTemplate'), undefined],
  ['AppProject', obj('argoproj.io/v1alpha1', 'AppProject'), undefined],
  [
    'a child Application (no check since Argo CD 1.8)',
    obj('argoproj.io/v1alpha1', 'Application', { status: { health: { status: 'Degraded' } } }),
    undefined,
  ],
  // Deletion
  [
    'any object being deleted',
    obj('v1', 'ConfigMap', { meta: { deletionTimestamp: '2026-01-01T00:00:00Z' } }),
    { status: 'Progressing', message: 'Pending deletion' },
  ],
  [
    'a hook being deleted, held by the hook finalizer, keeps its own health',
    obj('batch/v1', 'Job', {
      meta: { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['argocd.argoproj.io/hook-finalizer'] },
      status: { conditions: [cond('Complete', 'True')] },
    }),
    { status: 'Healthy', message: '' },
  ],
];

describe('resourceHealth by kind', () => {
  for (const [name, object, expected] of CASES) {
    it(`${name}: ${expected === undefined ? 'no health' : `${expected.status} ${JSON.stringify(expected.message ?? '')}`}`, () => {
      expect(resourceHealth(object)).toEqual(expected);
    });
  }
});

describe('child Application health, with the customization from Argo CD docs', () => {
  const app = (status?: object): KubeObject => obj('argoproj.io/v1alpha1', 'Application', status ? { status } : {});
  const on = { applicationHealthFromStatus: true };
  it('reports the child status.health', () => {
    expect(resourceHealth(app({ health: { status: 'Degraded', message: 'm' } }), on)).toEqual({
      status: 'Degraded',
      message: 'm',
    });
  });
  it('is Progressing with no health yet', () => {
    expect(resourceHealth(app(), on)).toEqual({ status: 'Progressing', message: '' });
  });
  it('is Unknown when the child health has no status', () => {
    expect(resourceHealth(app({ health: {} }), on)).toEqual({
      status: 'Unknown',
      message: 'Lua returned an invalid health status',
    });
  });
});
