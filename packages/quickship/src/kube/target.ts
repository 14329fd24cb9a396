// The Kubernetes target: the CLI's verbs against a cluster, each doing what the kubectl Argo
// Rollouts plugin does (same reads, same patches, same order, same status-subresource fallback),
// and `get` reading the Rollout with its ReplicaSets and Pods into the tree `status` draws.
import type { RolloutTarget, RolloutView } from '../model.ts';
import type { RolloutsApi } from './client.ts';
import { KubeApiError } from './errors.ts';
import { isControlledBy, meta, labelSelectorOf, type KubeObject } from './objects.ts';
import { JSON_PATCH, MERGE_PATCH, undoPatch } from './patches.ts';
import { abortPatches, restartPatches, retryPatches, verbStateOf, type VerbPatches } from '../core/verb-rules.ts';
import { promotePatches, undoDecision } from './verbs.ts';

/** Builds the status tree from the objects read: core/view-from-kube.ts, as the plugin's info package. */
export type KubeViewBuilder = (input: {
  readonly rollout: KubeObject;
  readonly replicaSets: readonly KubeObject[];
  readonly pods: readonly KubeObject[];
  readonly now: Date;
}) => RolloutView;

export class KubeTarget implements RolloutTarget {
  constructor(
    private readonly api: RolloutsApi,
    private readonly buildView: KubeViewBuilder,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(name: string): Promise<{ rollout: KubeObject; view: RolloutView }> {
    const rollout = await this.api.getRollout(name);
    const selector = labelSelectorOf(rollout);
    const [replicaSets, pods] = await Promise.all([this.api.listReplicaSets(selector), this.api.listPods(selector)]);
    // As the plugin's GetReplicaSetInfo: only ReplicaSets this Rollout controls, and their pods.
    const owned = replicaSets.filter((rs) => isControlledBy(rs, rollout));
    const ownedPods = pods.filter((pod) => owned.some((rs) => isControlledBy(pod, rs)));
    return { rollout, view: this.buildView({ rollout, replicaSets: owned, pods: ownedPods, now: this.now() }) };
  }

  /** The rollouts of the namespace, so a verb may omit the name when there is only one. */
  async list(): Promise<{ view: { name: string } }[]> {
    return (await this.api.listRollouts()).map((rollout) => ({ view: { name: meta(rollout).name ?? '' } }));
  }

  /** promote/promote.go PromoteRollout: read, then the status patch, then the spec patch. */
  async promote(name: string, options: { readonly full: boolean }): Promise<string> {
    await this.send(name, promotePatches(await this.api.getRollout(name), options.full));
    return options.full ? `rollout '${name}' fully promoted` : `rollout '${name}' promoted`;
  }

  /**
   * abort/abort.go AbortRollout: status subresource first, the resource itself on 404. Upstream
   * patches blind; we read the Rollout first so core's rules can refuse a patch that would change
   * nothing, exactly as the local engine does (core/verb-rules.ts).
   */
  async abort(name: string): Promise<string> {
    await this.send(name, abortPatches(verbStateOf(await this.api.getRollout(name))));
    return `rollout '${name}' aborted`;
  }

  /** retry/retry.go RetryRollout: as abort, with retryRolloutPatch. */
  async retry(name: string): Promise<string> {
    await this.send(name, retryPatches(verbStateOf(await this.api.getRollout(name))));
    return `rollout '${name}' retried`;
  }

  /** undo/undo.go RunUndoRollout: a JSON patch of spec.template from the target revision's ReplicaSet. */
  async undo(name: string, options: { readonly toRevision?: number }): Promise<string> {
    const rollout = await this.api.getRollout(name);
    const replicaSets = await this.api.listReplicaSets(labelSelectorOf(rollout));
    const decision = undoDecision(rollout, replicaSets, options.toRevision);
    if (decision.kind === 'skip') return decision.message;
    await this.api.patchRollout(name, undoPatch(decision.template), { contentType: JSON_PATCH });
    return `rollout '${name}' undo (to revision ${decision.revision})`;
  }

  /** restart/restart.go RestartRollout: spec.restartAt = now (refused, as locally, with 0 replicas). */
  async restart(name: string): Promise<string> {
    await this.send(name, restartPatches(verbStateOf(await this.api.getRollout(name)), this.now()));
    return `rollout '${name}' restarts in 0s`;
  }

  /**
   * PromoteRollout's order for every verb: the status patch to the status subresource; on 404 (no
   * subresource, Rollouts v0.9) the unified patch replaces the spec patch; then the spec patch.
   */
  private async send(name: string, patches: VerbPatches): Promise<void> {
    let spec = patches.specPatch;
    if (patches.statusPatch && !(await this.patchStatus(name, patches.statusPatch))) spec = patches.unifiedPatch;
    if (spec) await this.api.patchRollout(name, spec, { contentType: MERGE_PATCH });
  }

  /** false when the cluster has no status subresource for Rollouts (a 404), as upstream checks. */
  private async patchStatus(name: string, patch: object): Promise<boolean> {
    try {
      await this.api.patchRollout(name, patch, { status: true, contentType: MERGE_PATCH });
      return true;
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return false;
      throw error;
    }
  }
}
