// RolloutPodRestarter (rollout/restart.go): once spec.restartAt has passed, restart the instances
// created before it, as many at a time as availability allows (at least one: the upstream
// maxUnavailable floor), and record status.restartedAt once every old one has been restarted. InstanceStatus.startedAt
// stands for the pod's creation time.
import type { ReconcileContext } from './context.ts';

export function reconcilePodRestarts(ctx: ReconcileContext): void {
  const { spec, now } = ctx;
  const instances = ctx.input.instances;
  if (spec.restartAt === undefined || instances === undefined) return;
  if (ctx.prev.restartedAt === spec.restartAt) return;
  const restartAt = Date.parse(spec.restartAt);
  if (!(now.getTime() > restartAt)) return;

  const owned = new Set(ctx.allRSs.map((rs) => rs.podTemplateHash));
  const live = instances
    .filter((i) => owned.has(i.podTemplateHash) && i.state !== 'Terminating')
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  const total = ctx.allRSs.reduce((n, rs) => n + rs.replicas, 0);
  const available = live.filter((i) => i.ready).length;
  let canRestart = available - (Math.max(spec.replicas, total) - 1);
  let needsRestart = 0;
  let restarted = 0;
  for (const instance of live) {
    if (Date.parse(instance.startedAt) >= restartAt) continue;
    needsRestart++;
    if (canRestart <= 0) continue;
    ctx.restartInstances.push(instance.name);
    ctx.event('RestartingPod', `Restarting instance ${instance.name}: created before restartAt ${spec.restartAt}`);
    canRestart--;
    restarted++;
  }
  // As upstream: once every old instance has been asked to restart, the restart is recorded.
  if (needsRestart === restarted) ctx.restartedAt = spec.restartAt;
}
