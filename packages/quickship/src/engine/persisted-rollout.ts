// What the engine persists for one Rollout: the runtime's EngineState (controller-written status,
// ReplicaSets, each instance's pid/start time/port; written atomically by runtime/StateStore to
// `.quickship/state/<rollout>.json`) plus the engine's own facts. Never the phase.
import type { RolloutSpec } from '../model.ts';
import type { EngineState } from '../runtime/state-store.ts';

export interface PersistedRollout extends EngineState {
  /** When the engine first ran this Rollout (its age in status). */
  readonly createdAt?: string;
  /**
   * The live spec: deploy/'s spec with the verbs' changes on top (promote unpauses, undo
   * replaces the template, restart sets restartAt), as a cluster's object differs from Git after
   * a `kubectl argo rollouts` verb until the next sync.
   */
  readonly spec?: RolloutSpec;
  /** specFingerprint of the deploy/ spec `spec` derives from: a different one replaces the live spec. */
  readonly base?: string;
}
