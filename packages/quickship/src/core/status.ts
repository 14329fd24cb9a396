// What `quickship status` shows for the local engine: the Rollout object in Argo's shape
// (`status --json`) and the RolloutView the tree renderer draws, both derived from spec + stored
// status + ReplicaSets + what the runtime observes. The phase is computed here, never stored.
import type {
  AnalysisRunView,
  ControllerStatus,
  InstanceStatus,
  OtherObject,
  ReplicaSetObservation,
  ReplicaSetState,
  RolloutObject,
  RolloutSpec,
  RolloutView,
} from '../model.ts';
import { observationFor, rolloutCounts, selectorString } from './counts.ts';
import { humanDuration } from './human-duration.ts';
import { getRolloutPhase } from './phase.ts';
import { isRecord, type UnknownRecord } from './fields.ts';
import { REVISION_ANNOTATION } from './hash.ts';

type Marker = 'stable' | 'active' | 'preview';
type Revision = RolloutView['revisions'][number];
type Pod = Revision['pods'][number];

export interface RolloutState {
  readonly spec: RolloutSpec;
  readonly status: ControllerStatus;
  readonly replicaSets: readonly ReplicaSetState[];
  readonly observed: readonly ReplicaSetObservation[];
}

/** `status --json`: metadata and spec as read from the manifest, status in Argo's shape. */
export function buildRolloutObject(state: RolloutState & { readonly manifest?: UnknownRecord }): RolloutObject {
  const { spec, status } = state;
  const counts = rolloutCounts(
    status,
    state.observed,
    state.replicaSets.map((rs) => rs.podTemplateHash),
  );
  const { phase, message } = getRolloutPhase(spec, status, counts);
  const current = state.replicaSets.find((rs) => rs.podTemplateHash === status.currentPodHash);
  const manifestMeta = isRecord(state.manifest?.metadata) ? state.manifest.metadata : {};
  const annotations: Record<string, string> = isRecord(manifestMeta.annotations)
    ? Object.fromEntries(Object.entries(manifestMeta.annotations).map(([k, v]) => [k, String(v)]))
    : {};
  if (current !== undefined) annotations[REVISION_ANNOTATION] = String(current.revision);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
    },
    spec: state.manifest?.spec ?? specFromParsed(spec),
    status: {
      ...status,
      ...counts,
      phase,
      message,
      selector: selectorString(spec.selector, status.blueGreen.activeSelector),
    },
  };
}

function specFromParsed(spec: RolloutSpec): UnknownRecord {
  return {
    replicas: spec.replicas,
    revisionHistoryLimit: spec.revisionHistoryLimit,
    progressDeadlineSeconds: spec.progressDeadlineSeconds,
    selector: { matchLabels: spec.selector },
    template: spec.template,
    strategy: spec.strategy,
    ...(spec.paused ? { paused: true } : {}),
    ...(spec.restartAt === undefined ? {} : { restartAt: spec.restartAt }),
  };
}

export interface ViewInput extends RolloutState {
  readonly instances: readonly InstanceStatus[];
  readonly now: Date;
  /** When the engine first adopted this Rollout (the Rollout's age). */
  readonly createdAt?: string;
  /** Cluster-only objects found next to the Rollout. */
  readonly others?: readonly OtherObject[];
  /** Local notes from the engine (ports, image mapping, ...), shown first. */
  readonly notes?: readonly string[];
  /** The Rollout's AnalysisRuns (store objects). */
  readonly analysisRuns?: readonly AnalysisRunLike[];
}

/** What the tree reads of an AnalysisRun object. */
export interface AnalysisRunLike {
  readonly metadata: {
    readonly name: string;
    readonly creationTimestamp?: string;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly status?: {
    readonly phase?: string;
    readonly startedAt?: string;
    readonly metricResults?: readonly {
      readonly successful?: number;
      readonly failed?: number;
      readonly inconclusive?: number;
      readonly error?: number;
    }[];
  };
}

/** info.getAnalysisRunInfo: the counts summed over metric results, newest first. */
function analysisRunViews(runs: readonly AnalysisRunLike[], revision: number, now: Date): AnalysisRunView[] {
  const sum = (run: AnalysisRunLike, key: 'successful' | 'failed' | 'inconclusive' | 'error'): number =>
    (run.status?.metricResults ?? []).reduce((n, m) => n + (m[key] ?? 0), 0);
  return runs
    .filter((run) => run.metadata.annotations?.['rollout.argoproj.io/revision'] === String(revision))
    .map((run) => {
      const created = run.metadata.creationTimestamp ?? run.status?.startedAt;
      return {
        name: run.metadata.name,
        status: run.status?.phase || 'Pending',
        ...(created === undefined ? {} : { age: humanDuration(now.getTime() - Date.parse(created)) }),
        successful: sum(run, 'successful'),
        failed: sum(run, 'failed'),
        inconclusive: sum(run, 'inconclusive'),
        error: sum(run, 'error'),
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

function markersOf(status: ControllerStatus, hash: string): Marker[] {
  const markers: Marker[] = [];
  if (status.stableRS === hash) markers.push('stable');
  if (status.blueGreen.activeSelector === hash) markers.push('active');
  else if (status.blueGreen.previewSelector === hash) markers.push('preview');
  return markers;
}

const FAILING = new Set(['CrashLoopBackOff', 'ErrImagePull', 'InvalidImageName', 'Error']);

/** getReplicaSetHealth, plus Degraded locally when the missing replicas are failing instances. */
function replicaSetHealth(
  rs: ReplicaSetState,
  observed: ReplicaSetObservation,
  pods: readonly InstanceStatus[],
): Revision['status'] {
  if (observed.availableReplicas < rs.replicas)
    return pods.some((p) => FAILING.has(p.state)) ? 'Degraded' : 'Progressing';
  return rs.replicas === 0 ? 'ScaledDown' : 'Healthy';
}

export function buildRolloutView(input: ViewInput): RolloutView {
  const { spec, status, now } = input;
  const counts = rolloutCounts(
    status,
    input.observed,
    input.replicaSets.map((rs) => rs.podTemplateHash),
  );
  const { phase, message } = getRolloutPhase(spec, status, counts);
  const age = (iso: string): string => humanDuration(now.getTime() - Date.parse(iso));
  const runsOf = (revision: number): { analysisRuns?: AnalysisRunView[] } => {
    const runs = analysisRunViews(input.analysisRuns ?? [], revision, now);
    return runs.length === 0 ? {} : { analysisRuns: runs };
  };
  const revisions: Revision[] = [...input.replicaSets]
    .sort((a, b) => b.revision - a.revision)
    .map((rs) => {
      const instances = input.instances
        .filter((i) => i.podTemplateHash === rs.podTemplateHash)
        .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt) || (a.name < b.name ? -1 : 1));
      const pods: Pod[] = instances.map((i) => ({
        name: i.name,
        state: i.state,
        ready: i.ready,
        readyContainers: i.ready ? '1/1' : '0/1',
        restarts: i.restarts,
        age: age(i.startedAt),
        ...(i.port === undefined ? {} : { endpoint: `127.0.0.1:${i.port}` }),
        ...(i.message === undefined ? {} : { message: i.message }),
      }));
      return {
        revision: rs.revision,
        podTemplateHash: rs.podTemplateHash,
        name: `${spec.name}-${rs.podTemplateHash}`,
        age: age(rs.createdAt),
        image: rs.container.image,
        markers: markersOf(status, rs.podTemplateHash),
        status: replicaSetHealth(rs, observationFor(input.observed, rs.podTemplateHash), instances),
        ...(rs.scaleDownDeadline === undefined ? {} : { scaleDownDeadline: rs.scaleDownDeadline }),
        pods,
        ...runsOf(rs.revision),
      };
    });
  const running = revisions.filter((r) => observationFor(input.observed, r.podTemplateHash).replicas > 0);
  return {
    name: spec.name,
    namespace: spec.namespace,
    phase,
    message,
    strategy: 'BlueGreen',
    ...(input.createdAt === undefined ? {} : { age: age(input.createdAt) }),
    images: mergeImages(running),
    replicas: {
      desired: spec.replicas,
      current: counts.replicas,
      updated: counts.updatedReplicas,
      ready: counts.readyReplicas,
      available: counts.availableReplicas,
    },
    revisions,
    notes: [
      ...(input.notes ?? []),
      ...spec.ignored.map((f) => `ignored locally: ${f.path} (${f.reason})`),
      ...(input.others ?? []).map((o) => `cluster only: ${o.kind}/${o.name} (${o.file})`),
    ],
  };
}

/** info.Images: the images of running ReplicaSets, merged with their markers, sorted by image. */
export function mergeImages(revisions: readonly Pick<Revision, 'image' | 'markers'>[]): RolloutView['images'] {
  const order: Marker[] = ['stable', 'active', 'preview'];
  const byImage = new Map<string, Set<Marker>>();
  for (const r of revisions) {
    const set = byImage.get(r.image) ?? new Set<Marker>();
    for (const m of r.markers) set.add(m);
    byImage.set(r.image, set);
  }
  return [...byImage.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([image, set]) => ({ image, markers: order.filter((m) => set.has(m)) }));
}
