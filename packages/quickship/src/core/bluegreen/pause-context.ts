// Argo's pauseContext (rollout/pause.go): reconcile steps ask to add/remove pause conditions or
// to add/remove the abort; the status is computed once at the end from the previous status plus
// these requests (CalculatePauseStatus), so steps never see each other's half-written status.
import type { ControllerStatus, PauseCondition, RolloutSpec } from '../../model.ts';
import { rfc3339 } from '../time.ts';

type PauseReason = PauseCondition['reason'];

export class PauseContext {
  private readonly add: PauseReason[] = [];
  private readonly remove: PauseReason[] = [];
  private clear = false;
  private addAbortFlag = false;
  private removeAbortFlag = false;
  abortMessage = '';

  constructor(
    private readonly spec: RolloutSpec,
    private readonly prev: ControllerStatus,
    private readonly now: Date,
  ) {}

  addPauseCondition(reason: PauseReason): void {
    this.add.push(reason);
  }
  removePauseCondition(reason: PauseReason): void {
    this.remove.push(reason);
  }
  clearPauseConditions(): void {
    this.clear = true;
  }
  addAbort(message: string): void {
    this.addAbortFlag = true;
    this.abortMessage = message;
  }
  removeAbort(): void {
    this.removeAbortFlag = true;
  }
  hasAddPause(): boolean {
    return this.add.length > 0;
  }
  isAborted(): boolean {
    if (this.removeAbortFlag) return false;
    return this.addAbortFlag || this.prev.abort;
  }

  pauseCondition(reason: PauseReason): PauseCondition | undefined {
    return this.prev.pauseConditions.find((c) => c.reason === reason);
  }

  /**
   * CompletedBlueGreenPause: a human resumed (controllerPause set, condition gone), or
   * autoPromotionSeconds passed, or the previewReplicaCount checkpoint was already reached.
   */
  completedBlueGreenPause(): boolean {
    const bg = this.spec.strategy.blueGreen;
    const cond = this.pauseCondition('BlueGreenPause');
    if (this.hasAddPause()) return false;
    if (this.prev.blueGreen.scaleUpPreviewCheckPoint === true) return true;
    if (bg.autoPromotionEnabled) {
      const seconds = bg.autoPromotionSeconds ?? 0;
      if (seconds === 0) return true;
      if (cond !== undefined) return this.now.getTime() > Date.parse(cond.startTime) + seconds * 1000;
      return false;
    }
    return this.prev.controllerPause && cond === undefined;
  }

  /** CalculatePauseStatus: abort first (it clears pauses), then cleared or updated pause conditions. */
  apply(): Pick<ControllerStatus, 'abort' | 'abortedAt' | 'pauseConditions' | 'controllerPause'> {
    if (this.addAbortFlag || (!this.removeAbortFlag && this.prev.abort)) {
      // Keep the original abortedAt, or every reconcile would look like a new abort.
      return {
        abort: true,
        abortedAt: this.prev.abortedAt ?? rfc3339(this.now),
        pauseConditions: [],
        controllerPause: false,
      };
    }
    if (this.clear) return { abort: false, pauseConditions: [], controllerPause: false };
    let controllerPause = this.prev.controllerPause;
    const existing = new Set(this.prev.pauseConditions.map((c) => c.reason));
    const conditions: PauseCondition[] = this.prev.pauseConditions.filter((c) => !this.remove.includes(c.reason));
    for (const reason of this.add) {
      if (existing.has(reason)) continue;
      existing.add(reason);
      conditions.push({ reason, startTime: rfc3339(this.now) });
      controllerPause = true;
    }
    // Upstream starts from an empty status: with no pause condition left, controllerPause is false.
    if (conditions.length === 0) return { abort: false, pauseConditions: [], controllerPause: false };
    return { abort: false, pauseConditions: conditions, controllerPause };
  }
}
