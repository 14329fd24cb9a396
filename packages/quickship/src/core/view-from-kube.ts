// A RolloutView from real controller-written objects (Rollout, ReplicaSets, Pods as Kubernetes
// JSON), as the kubectl plugin's info package builds it (pkg/kubectl-argo-rollouts/info:
// rollout_info.go, replicaset_info.go, pod_info.go): ReplicaSets owned by the Rollout's uid, Pods
// owned by the ReplicaSets' uids, markers from status.stableRS/blueGreen selectors, the phase
// from status.phase or, for pre-1.0 controllers, computed from spec and status.
import type { ControllerStatus, PauseCondition, RolloutCondition, RolloutView } from '../model.ts';
import { isRecord, type UnknownRecord } from './fields.ts';
import { POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION } from './hash.ts';
import { humanDuration } from './human-duration.ts';
import { calculateRolloutPhase, type Phase } from './phase.ts';
import { mergeImages } from './status.ts';

type Revision = RolloutView['revisions'][number];
type Pod = Revision['pods'][number];
type Marker = 'stable' | 'active' | 'preview';

export interface KubeObjects {
  readonly rollout: unknown;
  readonly replicaSets: readonly unknown[];
  readonly pods: readonly unknown[];
  readonly now: Date;
}

const rec = (v: unknown): UnknownRecord => (isRecord(v) ? v : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown, dflt = 0): number =>
  typeof v === 'number' ? v : typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : dflt;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function ownedBy(object: UnknownRecord, uids: readonly string[]): string | undefined {
  for (const ref of list(rec(object.metadata).ownerReferences)) {
    const uid = str(rec(ref).uid);
    if (uids.includes(uid)) return uid;
  }
  return undefined;
}

/** GetRolloutPhase for a live Rollout. */
export function kubeRolloutPhase(rollout: UnknownRecord): Phase {
  const metadata = rec(rollout.metadata);
  const spec = rec(rollout.spec);
  const status = rec(rollout.status);
  const observed = status.observedGeneration;
  // A numeric observedGeneration (v0.10+) must match metadata.generation; a hash (v0.9-) always counts.
  if (typeof observed === 'string' && /^[0-9]+$/.test(observed) && Number(observed) < num(metadata.generation)) {
    return { phase: 'Progressing', message: 'waiting for rollout spec update to be observed' };
  }
  const controllerStatus = toControllerStatus(status);
  if (controllerStatus.controllerPause && controllerStatus.pauseConditions.length === 0)
    return { phase: 'Progressing', message: 'waiting for rollout to unpause' };
  if (typeof status.phase === 'string' && status.phase !== '')
    return { phase: status.phase as Phase['phase'], message: str(status.message) };
  const restartAt = str(spec.restartAt);
  return calculateRolloutPhase(
    { replicas: num(spec.replicas, 1), paused: spec.paused === true, ...(restartAt === '' ? {} : { restartAt }) },
    controllerStatus,
    { updatedReplicas: num(status.updatedReplicas), availableReplicas: num(status.availableReplicas) },
  );
}

function toControllerStatus(status: UnknownRecord): ControllerStatus {
  const bg = rec(status.blueGreen);
  const opt = (key: string, value: unknown): Record<string, string> => (str(value) === '' ? {} : { [key]: str(value) });
  return {
    ...opt('currentPodHash', status.currentPodHash),
    ...opt('stableRS', status.stableRS),
    ...opt('restartedAt', status.restartedAt),
    blueGreen: { ...opt('activeSelector', bg.activeSelector), ...opt('previewSelector', bg.previewSelector) },
    pauseConditions: list(status.pauseConditions).map((c) => ({
      reason: str(rec(c).reason) as PauseCondition['reason'],
      startTime: str(rec(c).startTime),
    })),
    controllerPause: status.controllerPause === true,
    abort: status.abort === true,
    promoteFull: status.promoteFull === true,
    conditions: list(status.conditions).map((c) => {
      const r = rec(c);
      return {
        type: str(r.type) as RolloutCondition['type'],
        status: str(r.status) as RolloutCondition['status'],
        reason: str(r.reason),
        message: str(r.message),
        lastTransitionTime: str(r.lastTransitionTime),
        lastUpdateTime: str(r.lastUpdateTime),
      };
    }),
  };
}

/** getReplicaSetHealth; ReplicaFailure shows as Degraded. */
function replicaSetHealth(rs: UnknownRecord): Revision['status'] {
  const spec = rec(rs.spec);
  const status = rec(rs.status);
  const replicas = spec.replicas === undefined ? undefined : num(spec.replicas);
  if (num(rec(rs.metadata).generation) > num(status.observedGeneration)) return 'Progressing';
  const failure = list(status.conditions).some(
    (c) => str(rec(c).type) === 'ReplicaFailure' && str(rec(c).status) === 'True',
  );
  if (failure) return 'Degraded';
  if (replicas !== undefined && num(status.availableReplicas) < replicas) return 'Progressing';
  return replicas === 0 ? 'ScaledDown' : 'Healthy';
}

/** newPodInfo: the kubectl STATUS of a pod (waiting/terminated reason, else the phase). */
function podInfo(pod: UnknownRecord, age: (iso: string) => string): Pod {
  const metadata = rec(pod.metadata);
  const status = rec(pod.status);
  const total = list(rec(pod.spec).containers).length;
  let reason = str(status.reason) || str(status.phase);
  let restarts = 0;
  let ready = 0;
  let running = false;
  for (const c of [...list(status.containerStatuses)].reverse()) {
    const cs = rec(c);
    const state = rec(cs.state);
    restarts += num(cs.restartCount);
    const waiting = rec(state.waiting);
    const terminated = isRecord(state.terminated) ? state.terminated : undefined;
    if (str(waiting.reason) !== '') reason = str(waiting.reason);
    else if (terminated !== undefined && str(terminated.reason) !== '') reason = str(terminated.reason);
    else if (terminated !== undefined)
      reason =
        num(terminated.signal) !== 0 ? `Signal:${num(terminated.signal)}` : `ExitCode:${num(terminated.exitCode)}`;
    else if (cs.ready === true && isRecord(state.running)) {
      running = true;
      ready++;
    }
  }
  if (reason === 'Completed' && running) reason = 'Running';
  if (metadata.deletionTimestamp !== undefined && metadata.deletionTimestamp !== null)
    reason = str(status.reason) === 'NodeLost' ? 'Unknown' : 'Terminating';
  return {
    name: str(metadata.name),
    state: reason,
    ready: total > 0 && ready === total,
    readyContainers: `${ready}/${total}`,
    restarts,
    age: age(str(metadata.creationTimestamp)),
  };
}

export function viewFromKube(objects: KubeObjects): RolloutView {
  const rollout = rec(objects.rollout);
  const metadata = rec(rollout.metadata);
  const spec = rec(rollout.spec);
  const status = rec(rollout.status);
  const bg = rec(status.blueGreen);
  const now = objects.now.getTime();
  const age = (iso: string): string => (iso === '' ? '' : humanDuration(now - Date.parse(iso)));
  const rolloutUid = str(metadata.uid);
  const replicaSets = objects.replicaSets.map(rec).filter((rs) => ownedBy(rs, [rolloutUid]) !== undefined);
  const pods = objects.pods.map(rec);

  const revisions = replicaSets
    .map((rs) => {
      const rsMeta = rec(rs.metadata);
      const hash = str(rec(rsMeta.labels)[POD_TEMPLATE_HASH_LABEL]);
      const markers: Marker[] = [];
      if (hash !== '' && str(status.stableRS) === hash) markers.push('stable');
      if (hash !== '' && str(bg.activeSelector) === hash) markers.push('active');
      else if (hash !== '' && str(bg.previewSelector) === hash) markers.push('preview');
      const containers = list(rec(rec(rec(rs.spec).template).spec).containers);
      const deadline = str(rec(rsMeta.annotations)['scale-down-deadline']);
      const rsPods = pods
        .filter((p) => ownedBy(p, [str(rsMeta.uid)]) !== undefined)
        .sort(
          (a, b) =>
            Date.parse(str(rec(a.metadata).creationTimestamp)) - Date.parse(str(rec(b.metadata).creationTimestamp)) ||
            (str(rec(a.metadata).name) < str(rec(b.metadata).name) ? -1 : 1),
        )
        .map((p) => podInfo(p, age));
      const revision: Revision = {
        revision: num(rec(rsMeta.annotations)[REVISION_ANNOTATION]),
        podTemplateHash: hash,
        name: str(rsMeta.name),
        age: age(str(rsMeta.creationTimestamp)),
        image: str(rec(containers[0]).image),
        markers,
        status: replicaSetHealth(rs),
        ...(deadline === '' ? {} : { scaleDownDeadline: deadline }),
        pods: rsPods,
      };
      return { revision, running: num(rec(rs.status).replicas) > 0, created: str(rsMeta.creationTimestamp) };
    })
    .sort(
      (a, b) =>
        b.revision.revision - a.revision.revision || (a.revision.name ?? '').localeCompare(b.revision.name ?? ''),
    );

  const { phase, message } = kubeRolloutPhase(rollout);
  return {
    name: str(metadata.name),
    namespace: str(metadata.namespace),
    phase,
    message,
    strategy: 'BlueGreen',
    age: age(str(metadata.creationTimestamp)),
    images: mergeImages(revisions.filter((r) => r.running).map((r) => r.revision)),
    replicas: {
      desired: num(spec.replicas, 1),
      current: num(status.replicas),
      updated: num(status.updatedReplicas),
      ready: num(status.readyReplicas),
      available: num(status.availableReplicas),
    },
    revisions: revisions.map((r) => r.revision),
    notes: [],
  };
}
