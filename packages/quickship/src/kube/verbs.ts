// What each verb sends, decided from the objects read (pure). Mirrors the plugin's own decisions
// (argoproj/argo-rollouts pkg/kubectl-argo-rollouts/cmd/*) so that a verb here changes a cluster
// exactly as `kubectl argo rollouts <verb>` would.
import { VerbNotApplicableError } from '../errors.ts';
import { isRecord } from '../core/fields.ts';
import { POD_TEMPLATE_HASH_LABEL } from '../core/hash.ts';
import { promotePatches as promoteRule, verbStateOf, type VerbPatches } from '../core/verb-rules.ts';
import { isControlledBy, meta, record, revisionOf, type KubeObject } from './objects.ts';

/** promote/promote.go `getPatches`, by core's rules (core/verb-rules.ts), for blue/green Rollouts. */
export function promotePatches(rollout: KubeObject, full: boolean): VerbPatches {
  const name = meta(rollout).name ?? '?';
  if (!isRecord(record(record(rollout.spec).strategy).blueGreen)) {
    throw new VerbNotApplicableError(
      `rollout '${name}' is not a blue/green rollout; quickship promotes blue/green only (use \`kubectl argo rollouts promote ${name}\` for canary steps)`,
    );
  }
  return promoteRule(verbStateOf(rollout), { full });
}

export type UndoDecision =
  | { readonly kind: 'patch'; readonly revision: number; readonly template: unknown }
  | { readonly kind: 'skip'; readonly revision: number; readonly message: string };

/**
 * undo/undo.go `RunUndoRollout`: the ReplicaSet of the requested revision (default: the one before
 * the newest) among those the Rollout controls; skipped when the Rollout's template already matches.
 */
export function undoDecision(
  rollout: KubeObject,
  replicaSets: readonly KubeObject[],
  toRevision: number | undefined,
): UndoDecision {
  const name = meta(rollout).name ?? '?';
  if (isRecord(record(rollout.spec).workloadRef)) {
    throw new VerbNotApplicableError(
      `rollout '${name}' references its pod template (spec.workloadRef); undo it with \`kubectl argo rollouts undo ${name}\``,
    );
  }
  const owned = replicaSets.filter((rs) => isControlledBy(rs, rollout));
  const target = pickRevision(owned, toRevision);
  if (!target) {
    throw new VerbNotApplicableError(
      toRevision
        ? `unable to find specified revision ${toRevision} in history of rollout '${name}'`
        : `no revision found for rollout '${name}' to roll back to (it has one revision)`,
    );
  }
  const revision = revisionOf(target) ?? 0;
  const template = withoutHashLabel(record(target.spec).template);
  if (isDerivative(withoutHashLabel(record(rollout.spec).template), template)) {
    return {
      kind: 'skip',
      revision,
      message: `skipped rollback (current template already matches revision ${revision})`,
    };
  }
  return { kind: 'patch', revision, template };
}

function pickRevision(replicaSets: readonly KubeObject[], toRevision: number | undefined): KubeObject | undefined {
  const numbered = replicaSets
    .map((rs) => ({ rs, revision: revisionOf(rs) }))
    .filter((entry): entry is { rs: KubeObject; revision: number } => entry.revision !== undefined);
  if (toRevision) return numbered.find((entry) => entry.revision === toRevision)?.rs;
  // Upstream keeps the newest and the second newest in one pass; the second newest is the target.
  const sorted = [...numbered].sort((a, b) => b.revision - a.revision);
  return sorted.length >= 2 ? sorted[1]!.rs : undefined;
}

function withoutHashLabel(template: unknown): unknown {
  if (!isRecord(template)) return template;
  const metadata = record(template.metadata);
  const labels = { ...record(metadata.labels) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  return { ...template, metadata: { ...metadata, labels } };
}

/**
 * apimachinery's Semantic.DeepDerivative(a, b): fields unset or empty in `a` are ignored, so the
 * Rollout's template (as written) matches a ReplicaSet template that carries API-server defaults.
 */
export function isDerivative(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined) return true;
  if (typeof a === 'string') return a === '' || a === b;
  if (Array.isArray(a)) {
    if (a.length === 0) return true;
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => isDerivative(item, b[i]));
  }
  if (isRecord(a)) {
    const keys = Object.keys(a);
    if (keys.length === 0) return true;
    return isRecord(b) && keys.every((key) => key in b && isDerivative(a[key], b[key]));
  }
  return a === b;
}
