// The working state of one reconcile, like Argo's rolloutContext (rollout/controller.go
// newRolloutContext): the new ReplicaSet (found by template hash, or created with the next
// revision), the stable one, the others, and the predicates the steps share. Nothing here does
// I/O: ReplicaSets are plain objects the steps edit, and the result is returned as data.
import type {
  AnalysisRunSummary,
  ControllerStatus,
  InstanceStatus,
  ReplicaSetObservation,
  ReplicaSetState,
  RolloutAnalysisRunStatus,
  RolloutSpec,
} from '../../model.ts';
import { observationFor } from '../counts.ts';
import { canonicalJson, computePodTemplateHash } from '../hash.ts';
import { rfc3339 } from '../time.ts';
import { MESSAGE, newCondition, REASON, setCondition } from './conditions.ts';
import { PauseContext } from './pause-context.ts';
import { isRollbackWithinWindow } from './rollback-window.ts';

export type WorkingReplicaSet = { -readonly [K in keyof ReplicaSetState]: ReplicaSetState[K] };

export interface ReconcileInput {
  readonly spec: RolloutSpec;
  readonly status: ControllerStatus;
  readonly replicaSets: readonly ReplicaSetState[];
  readonly observed: readonly ReplicaSetObservation[];
  /** Instances, for `restart` (spec.restartAt); without them restarts are not planned. */
  readonly instances?: readonly InstanceStatus[];
  /** The AnalysisRuns this Rollout owns (as the store holds them); without them none is current. */
  readonly analysisRuns?: readonly AnalysisRunSummary[];
  readonly now: Date;
}

const MAX_COLLISIONS = 16;

export class ReconcileContext {
  readonly nowIso: string;
  readonly allRSs: WorkingReplicaSet[];
  readonly newRS: WorkingReplicaSet;
  readonly stableRS: WorkingReplicaSet | undefined;
  readonly otherRSs: WorkingReplicaSet[];
  /** The new ReplicaSet still had an unexpired scale-down deadline when this reconcile began. */
  readonly newRSWithinDelay: boolean;
  /**
   * spec.rollbackWindow: the new ReplicaSet is an older one within the window
   * (rollback-window.ts). Fast-tracked: no pause, no pre- or post-promotion analysis.
   */
  readonly rollbackWithinWindow: boolean;
  readonly pause: PauseContext;
  readonly events: string[] = [];
  readonly deleted: string[] = [];
  readonly restartInstances: string[] = [];
  /** AnalysisRuns to create (the engine builds them from the Rollout's templates) and to terminate. */
  readonly analysisCreate: { readonly type: 'pre' | 'post'; readonly name: string }[] = [];
  readonly analysisCancel: string[] = [];
  /** The current AnalysisRun per type, as this reconcile leaves it (SetCurrentAnalysisRuns). */
  currentAnalysis: { pre?: RolloutAnalysisRunStatus; post?: RolloutAnalysisRunStatus } = {};
  readonly collisionCount: number | undefined;
  /** Service selectors (rollouts-pod-template-hash) as this reconcile leaves them. */
  services: { active?: string; preview?: string };
  restartedAt: string | undefined;
  /** Conditions carried into the new status (the Progressing condition of a newly created RS). */
  conditions: ControllerStatus['conditions'];

  constructor(
    readonly input: ReconcileInput,
    /** The previous status, after checkPausedConditions. */
    readonly prev: ControllerStatus,
  ) {
    const { spec, now } = input;
    this.nowIso = rfc3339(now);
    this.allRSs = input.replicaSets.map((rs) => ({ ...rs }));
    this.conditions = prev.conditions;
    this.services = {
      ...(prev.blueGreen.activeSelector === undefined ? {} : { active: prev.blueGreen.activeSelector }),
      ...(prev.blueGreen.previewSelector === undefined ? {} : { preview: prev.blueGreen.previewSelector }),
    };
    this.restartedAt = prev.restartedAt;
    this.pause = new PauseContext(spec, prev, now);

    // FindNewReplicaSet + createDesiredReplicaSet: an RS with the same hash but another template
    // is a hash collision; bump collisionCount as Argo does and hash again.
    let collisionCount = prev.collisionCount;
    let hash = computePodTemplateHash(spec.template, collisionCount);
    let found = this.allRSs.find((rs) => rs.podTemplateHash === hash);
    for (
      let i = 0;
      found !== undefined && canonicalJson(found.template) !== canonicalJson(spec.template) && i < MAX_COLLISIONS;
      i++
    ) {
      collisionCount = (collisionCount ?? 0) + 1;
      hash = computePodTemplateHash(spec.template, collisionCount);
      found = this.allRSs.find((rs) => rs.podTemplateHash === hash);
    }
    this.collisionCount = collisionCount;

    const maxOldRevision = Math.max(0, ...this.allRSs.filter((rs) => rs !== found).map((rs) => rs.revision));
    if (found === undefined) {
      found = {
        podTemplateHash: hash,
        revision: maxOldRevision + 1,
        template: spec.template,
        container: spec.container,
        terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
        replicas: 0,
        // Millisecond precision (Kubernetes keeps seconds): isRollback orders ReplicaSets by age.
        createdAt: now.toISOString(),
      };
      this.allRSs.push(found);
      const name = this.rsName(found);
      this.event('NewReplicaSetCreated', `Created ReplicaSet ${name} (revision ${found.revision})`);
      this.conditions = setCondition(
        this.conditions,
        newCondition('Progressing', 'True', REASON.newReplicaSetCreated, MESSAGE.newRS(name), this.nowIso),
      ).conditions;
    } else if (found.revision < maxOldRevision + 1) {
      // syncReplicaSetRevision: a reused (rolled-back-to) ReplicaSet becomes the newest revision.
      found.revision = maxOldRevision + 1;
      this.event('RolloutUpdated', `Rollout updated to revision ${found.revision}`);
    }
    this.newRS = found;
    this.stableRS =
      prev.stableRS === undefined ? undefined : this.allRSs.find((rs) => rs.podTemplateHash === prev.stableRS);
    this.otherRSs = this.allRSs.filter((rs) => rs !== this.newRS && rs !== this.stableRS);
    const deadline = found.scaleDownDeadline === undefined ? Number.NaN : Date.parse(found.scaleDownDeadline);
    this.newRSWithinDelay = deadline > now.getTime();
    this.rollbackWithinWindow = isRollbackWithinWindow(spec, this.newRS, this.stableRS, this.allRSs);
  }

  get spec(): RolloutSpec {
    return this.input.spec;
  }

  get now(): Date {
    return this.input.now;
  }

  rsName(rs: WorkingReplicaSet): string {
    return `${this.spec.name}-${rs.podTemplateHash}`;
  }

  event(reason: string, message: string): void {
    this.events.push(`${reason}: ${message}`);
  }

  observed(rs: WorkingReplicaSet | undefined): ReplicaSetObservation {
    return observationFor(this.input.observed, rs?.podTemplateHash);
  }

  /** spec.paused halts progress (haltProgress): no selector switches, no pause changes. */
  haltProgress(): boolean {
    return this.spec.paused;
  }

  podSpecChanged(): boolean {
    return (
      this.prev.currentPodHash !== undefined &&
      this.prev.currentPodHash !== '' &&
      this.prev.currentPodHash !== this.newRS.podTemplateHash
    );
  }

  /** GetAbortScaleDownDelaySecondsOrDefault: 0 means "leave the preview up", i.e. no delay (undefined). */
  abortScaleDownDelaySeconds(): number | undefined {
    const seconds = this.spec.strategy.blueGreen.abortScaleDownDelaySeconds;
    return seconds === 0 ? undefined : seconds;
  }

  shouldDelayScaleDownOnAbort(): boolean {
    return this.pause.isAborted() && this.stableRS !== undefined && this.abortScaleDownDelaySeconds() !== undefined;
  }

  /** NewRSNewReplicas for blue/green: full, or previewReplicaCount until promoted. */
  newRSDesiredReplicas(): number {
    const { replicas, strategy } = this.spec;
    const previewReplicaCount = strategy.blueGreen.previewReplicaCount;
    if (previewReplicaCount === undefined) return replicas;
    const activeRS = this.allRSs.find((rs) => rs.podTemplateHash === this.prev.blueGreen.activeSelector);
    if (activeRS === undefined || activeRS === this.newRS) return replicas;
    if (this.prev.promoteFull) return replicas;
    if (this.newRS.podTemplateHash !== this.prev.currentPodHash) return previewReplicaCount;
    const notPaused = !this.spec.paused && this.prev.pauseConditions.length === 0;
    if (notPaused && this.prev.blueGreen.scaleUpPreviewCheckPoint === true) return replicas;
    return previewReplicaCount;
  }

  /** ReadyForPause: the new RS is at its desired size and all of it is available. */
  readyForPause(): boolean {
    const count = this.newRSDesiredReplicas();
    return this.newRS.replicas === count && this.observed(this.newRS).availableReplicas === count;
  }

  /** annotations.IsSaturated: scaled to spec.replicas and all of them available. */
  isSaturated(rs: WorkingReplicaSet | undefined): boolean {
    if (rs === undefined) return false;
    return rs.replicas === this.spec.replicas && this.observed(rs).availableReplicas === this.spec.replicas;
  }

  /** isRollback: the desired template is the stable one, or an RS older than stable. */
  isRollback(): boolean {
    if (this.stableRS === undefined) return false;
    return (
      this.prev.stableRS === this.newRS.podTemplateHash ||
      Date.parse(this.newRS.createdAt) < Date.parse(this.stableRS.createdAt)
    );
  }

  /** isFastRollback: back to stable, or to an older RS still inside its scale-down delay. */
  isFastRollback(): boolean {
    if (!this.isRollback()) return false;
    return this.newRSWithinDelay || this.prev.stableRS === this.newRS.podTemplateHash;
  }

  /** isBlueGreenFastTracked: skip the pause (fast rollback, rollback within window, promote --full, or nothing to switch from). */
  isBlueGreenFastTracked(): boolean {
    if (this.isFastRollback() || this.rollbackWithinWindow) return true;
    if (this.prev.promoteFull) return true;
    if (this.services.active === undefined || this.services.active === '') return true;
    return this.services.active === this.newRS.podTemplateHash;
  }

  /** scaleReplicaSetAndRecordEvent. */
  scale(rs: WorkingReplicaSet, replicas: number): void {
    if (rs.replicas === replicas) return;
    const from = rs.replicas;
    rs.replicas = replicas;
    if (replicas === 0 && !this.shouldDelayScaleDownOnAbort()) delete rs.scaleDownDeadline;
    this.event(
      'ScalingReplicaSet',
      `Scaled ${from < replicas ? 'up' : 'down'} ReplicaSet ${this.rsName(rs)} (revision ${rs.revision}) from ${from} to ${replicas}`,
    );
  }

  /** switchServiceSelector. */
  switchService(role: 'active' | 'preview', hash: string | undefined): void {
    if (hash === undefined || this.services[role] === hash) return;
    const bg = this.spec.strategy.blueGreen;
    const name = role === 'active' ? bg.activeService : (bg.previewService ?? '');
    this.event(
      'SwitchService',
      `Switched selector for service '${name}' from '${this.services[role] ?? ''}' to '${hash}'`,
    );
    this.services = { ...this.services, [role]: hash };
  }
}
