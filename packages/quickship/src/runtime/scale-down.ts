// Which instances a ReplicaSet deletes first when scaling down: the order of the ReplicaSet
// controller (kubernetes pkg/controller/controller_utils.go, ActivePods.Less), minus the
// node-related rules that mean nothing locally:
//   1. not yet started (no process: pulling, backing off) before started;
//   2. not ready before ready;
//   3. ready for a shorter time before ready for longer;
//   4. more restarts before fewer;
//   5. newer before older.
// Pure: sorts plain facts.

export interface ScaleDownCandidate {
  readonly name: string;
  readonly started: boolean;
  readonly ready: boolean;
  readonly readySinceMs?: number;
  readonly restarts: number;
  readonly createdAtMs: number;
}

export function scaleDownOrder<T extends ScaleDownCandidate>(candidates: readonly T[]): T[] {
  return [...candidates].sort((a, b) => {
    if (a.started !== b.started) return a.started ? 1 : -1;
    if (a.ready !== b.ready) return a.ready ? 1 : -1;
    if (a.ready && b.ready && a.readySinceMs !== b.readySinceMs) return (b.readySinceMs ?? 0) - (a.readySinceMs ?? 0);
    if (a.restarts !== b.restarts) return b.restarts - a.restarts;
    if (a.createdAtMs !== b.createdAtMs) return b.createdAtMs - a.createdAtMs;
    return a.name.localeCompare(b.name);
  });
}
