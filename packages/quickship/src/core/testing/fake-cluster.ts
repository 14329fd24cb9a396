// Test support: drives reconcileBlueGreen like the engine does, against a simulated runtime in
// which instances appear when a ReplicaSet is scaled up and become Ready after a per-image delay
// (Infinity: never). Time only moves when a test advances the fake clock.
import type {
  AnalysisRunSummary,
  ControllerStatus,
  InstanceStatus,
  ReplicaSetObservation,
  ReplicaSetState,
  RolloutSpec,
} from '../../model.ts';
import { initialControllerStatus, reconcileBlueGreen, type ReconcileResult } from '../bluegreen.ts';
import { splitManifests } from '../manifests.ts';
import { parseRollout } from '../spec.ts';

export function rolloutYaml(options: { image: string; replicas?: number; extra?: string; env?: string }): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: payments
spec:
  replicas: ${options.replicas ?? 2}
  selector:
    matchLabels: {app: payments}
  template:
    metadata:
      labels: {app: payments}
    spec:
      containers:
        - name: payments
          image: ${options.image}
          env: [{name: VERSION, value: "${options.env ?? 'x'}"}]
          ports: [{name: http, containerPort: 3000}]
          readinessProbe: {httpGet: {path: /readyz, port: http}}
  strategy:
    blueGreen:
      activeService: payments-active
      previewService: payments-preview
${options.extra ?? '      autoPromotionEnabled: false'}
`;
}

export function specOf(yaml: string): RolloutSpec {
  const [doc] = splitManifests(yaml, 'rollout.yaml');
  if (doc === undefined) throw new Error('no document');
  return parseRollout(doc.object);
}

interface FakeInstance {
  name: string;
  hash: string;
  createdAt: number;
}

export class FakeCluster {
  now: number;
  status: ControllerStatus = initialControllerStatus();
  replicaSets: ReplicaSetState[] = [];
  instances: FakeInstance[] = [];
  events: string[] = [];
  last: ReconcileResult | undefined;
  /** AnalysisRuns as the engine would hold them: created Running, terminated on request. */
  analysisRuns: AnalysisRunSummary[] = [];
  /** Called after every reconcile pass with what the pass saw and decided (for invariants). */
  onPass: ((result: ReconcileResult, observedBefore: ReplicaSetObservation[]) => void) | undefined;
  private seq = 0;

  constructor(
    public spec: RolloutSpec,
    /** ms until an instance of this image is Ready (default 1000; Infinity: never). */
    private readonly readyAfter: (image: string) => number = () => 1000,
    start = Date.parse('2026-01-01T00:00:00Z'),
  ) {
    this.now = start;
  }

  advance(ms: number): this {
    this.now += ms;
    return this.settle();
  }

  /** Reconcile until nothing changes, as the engine loop does after every change. */
  settle(): this {
    for (let i = 0; i < 50; i++) {
      this.syncInstances();
      const observed = this.observed();
      const result = reconcileBlueGreen({
        spec: this.spec,
        status: this.status,
        replicaSets: this.replicaSets,
        observed,
        instances: this.instanceStatuses(),
        analysisRuns: this.analysisRuns,
        now: new Date(this.now),
      });
      for (const { name, type } of result.analysisRuns.create) {
        const podTemplateHash = result.status.currentPodHash ?? '';
        this.analysisRuns.push({ name, type, podTemplateHash, phase: 'Running', terminate: false });
      }
      // A terminated run with no failed measurement ends Successful ("Run Terminated"), as upstream.
      this.analysisRuns = this.analysisRuns.map((r) =>
        result.analysisRuns.cancel.includes(r.name)
          ? { ...r, terminate: true, phase: 'Successful', message: 'Run Terminated' }
          : r,
      );
      this.last = result;
      this.onPass?.(result, observed);
      this.status = result.status;
      this.replicaSets = [...result.replicaSets];
      this.events.push(...result.events);
      this.instances = this.instances.filter((i) => !result.restartInstances.includes(i.name));
      if (!result.changed) return this;
    }
    throw new Error('reconcile did not settle in 50 passes');
  }

  private syncInstances(): void {
    const known = new Set(this.replicaSets.map((rs) => rs.podTemplateHash));
    this.instances = this.instances.filter((i) => known.has(i.hash));
    for (const rs of this.replicaSets) {
      const mine = this.instances.filter((i) => i.hash === rs.podTemplateHash);
      for (let n = mine.length; n < rs.replicas; n++) {
        this.instances.push({
          name: `${this.spec.name}-${rs.podTemplateHash}-${++this.seq}`,
          hash: rs.podTemplateHash,
          createdAt: this.now,
        });
      }
      for (const extra of mine.slice(rs.replicas)) this.instances = this.instances.filter((i) => i !== extra);
    }
  }

  private ready(i: FakeInstance): boolean {
    const rs = this.replicaSets.find((r) => r.podTemplateHash === i.hash);
    return rs !== undefined && this.now - i.createdAt >= this.readyAfter(rs.container.image);
  }

  observed(): ReplicaSetObservation[] {
    return this.replicaSets.map((rs) => {
      const mine = this.instances.filter((i) => i.hash === rs.podTemplateHash);
      const ready = mine.filter((i) => this.ready(i)).length;
      return {
        podTemplateHash: rs.podTemplateHash,
        replicas: mine.length,
        readyReplicas: ready,
        availableReplicas: ready,
      };
    });
  }

  instanceStatuses(): InstanceStatus[] {
    return this.instances.map((i) => ({
      name: i.name,
      podTemplateHash: i.hash,
      state: 'Running',
      ready: this.ready(i),
      restarts: 0,
      startedAt: new Date(i.createdAt).toISOString(),
    }));
  }

  /** The AnalysisRun controller finished a run. */
  finishRun(name: string, phase: string, message?: string): this {
    if (!this.analysisRuns.some((r) => r.name === name)) throw new Error(`no AnalysisRun ${name}`);
    this.analysisRuns = this.analysisRuns.map((r) =>
      r.name === name ? { ...r, phase, ...(message === undefined ? {} : { message }) } : r,
    );
    return this.settle();
  }

  rs(image: string): ReplicaSetState {
    const rs = this.replicaSets.find((r) => r.container.image === image);
    if (rs === undefined) throw new Error(`no ReplicaSet runs ${image}`);
    return rs;
  }
}
