// A Rollout's pre-/post-promotion analysis as an AnalysisRun object, built as the Rollouts
// controller builds it (rollout/analysis.go newAnalysisRunFromRollout + utils/analysis
// NewAnalysisRunFromTemplates): templates flattened (metrics, args, dryRun and measurementRetention
// concatenated, duplicate metric names refused), the Rollout's args merged in, named
// `<rollout>-<podHash>-<revision>-<pre|post>`, labelled with the pod hash and the rollout type,
// annotated with the revision and owned by the Rollout.
import { buildRolloutAnalysisArgs, flattenArgs, mergeArgs, type RolloutArgContext } from './args.ts';
import { AnalysisRunBuildError, AnalysisTemplateNotFoundError } from './errors.ts';
import {
  ANALYSIS_API_VERSION,
  type AnalysisRun,
  type AnalysisTemplate,
  type Argument,
  type DryRun,
  type MeasurementRetention,
  type Metric,
} from './types.ts';

export interface AnalysisTemplateRef {
  readonly templateName: string;
  readonly clusterScope?: boolean;
}

/** RolloutAnalysis: what `prePromotionAnalysis` / `postPromotionAnalysis` hold. */
export interface RolloutAnalysis {
  readonly templates?: readonly AnalysisTemplateRef[];
  readonly args?: readonly Argument[];
  readonly dryRun?: readonly DryRun[];
  readonly measurementRetention?: readonly MeasurementRetention[];
  readonly analysisRunMetadata?: {
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
}

export type AnalysisRunType = 'pre' | 'post';

const ROLLOUT_TYPE: Readonly<Record<AnalysisRunType, string>> = { pre: 'PrePromotion', post: 'PostPromotion' };
export const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';
export const ROLLOUT_TYPE_LABEL = 'rollout-type';
export const REVISION_ANNOTATION = 'rollout.argoproj.io/revision';

export interface RolloutRef {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  /** rollout.argoproj.io/revision of the Rollout. */
  readonly revision: string;
  readonly selectorLabels?: Readonly<Record<string, string>>;
}

/** `<rollout>-<podHash>-<revision>-<pre|post>`, as newAnalysisRunFromRollout joins it. */
export function analysisRunName(rollout: string, podHash: string, revision: string, type: AnalysisRunType): string {
  return [rollout, podHash, revision, type].join('-');
}

/** getAnalysisTemplatesFromRefs: every ref found (namespaced or cluster-scoped) or a named error. */
export function templatesFor(
  refs: readonly AnalysisTemplateRef[],
  lookup: (name: string, clusterScope: boolean) => AnalysisTemplate | undefined,
): AnalysisTemplate[] {
  return refs.map((ref) => {
    const found = lookup(ref.templateName, ref.clusterScope === true);
    if (!found) {
      throw new AnalysisTemplateNotFoundError(
        ref.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate',
        ref.templateName,
      );
    }
    return found;
  });
}

function uniqueRules<T extends { metricName: string }>(rules: readonly T[], what: string): T[] {
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.metricName)) {
      throw new AnalysisRunBuildError(`two ${what} metric rules have the same name '${rule.metricName}'`);
    }
    seen.add(rule.metricName);
  }
  return [...rules];
}

/** FlattenTemplates + MergeArgs + the merged dryRun/measurementRetention of NewAnalysisRunFromTemplates. */
export function mergeTemplates(
  templates: readonly AnalysisTemplate[],
  incoming: {
    readonly args: readonly Argument[];
    readonly dryRun?: readonly DryRun[];
    readonly measurementRetention?: readonly MeasurementRetention[];
  },
): { metrics: Metric[]; args: Argument[]; dryRun: DryRun[]; measurementRetention: MeasurementRetention[] } {
  // AnalysisTemplates first, then ClusterAnalysisTemplates, as flattenMetrics orders them.
  const ordered = [
    ...templates.filter((t) => t.kind === 'AnalysisTemplate'),
    ...templates.filter((t) => t.kind === 'ClusterAnalysisTemplate'),
  ];
  const metrics = ordered.flatMap((t) => t.spec.metrics);
  const names = new Set<string>();
  for (const m of metrics) {
    if (names.has(m.name)) throw new AnalysisRunBuildError(`two metrics have the same name '${m.name}'`);
    names.add(m.name);
  }
  const templateArgs = flattenArgs(ordered.map((t) => t.spec.args));
  const dryRun = uniqueRules(
    [
      ...(incoming.dryRun ?? []),
      ...uniqueRules(
        ordered.flatMap((t) => t.spec.dryRun ?? []),
        'Dry-Run',
      ),
    ],
    'Dry-Run',
  );
  const measurementRetention = uniqueRules(
    [
      ...(incoming.measurementRetention ?? []),
      ...uniqueRules(
        ordered.flatMap((t) => t.spec.measurementRetention ?? []),
        'Measurement Retention',
      ),
    ],
    'Measurement Retention',
  );
  return { metrics, args: mergeArgs(incoming.args, templateArgs), dryRun, measurementRetention };
}

/** The AnalysisRun a Rollout creates for its pre- or post-promotion analysis. */
export function newAnalysisRunForRollout(input: {
  readonly rollout: RolloutRef;
  readonly rolloutObject: unknown;
  readonly analysis: RolloutAnalysis;
  readonly type: AnalysisRunType;
  readonly latestPodHash: string;
  readonly stablePodHash?: string;
  readonly templates: readonly AnalysisTemplate[];
}): AnalysisRun {
  const { rollout, analysis, type, latestPodHash } = input;
  if (latestPodHash === '') {
    throw new AnalysisRunBuildError(`Latest ReplicaSet of Rollout '${rollout.name}' has no pod hash in the labels`);
  }
  const context: RolloutArgContext = {
    rollout: input.rolloutObject,
    latestPodHash,
    ...(input.stablePodHash !== undefined ? { stablePodHash: input.stablePodHash } : {}),
  };
  const merged = mergeTemplates(input.templates, {
    args: buildRolloutAnalysisArgs(analysis.args, context),
    ...(analysis.dryRun ? { dryRun: analysis.dryRun } : {}),
    ...(analysis.measurementRetention ? { measurementRetention: analysis.measurementRetention } : {}),
  });
  return {
    apiVersion: ANALYSIS_API_VERSION,
    kind: 'AnalysisRun',
    metadata: {
      name: analysisRunName(rollout.name, latestPodHash, rollout.revision, type),
      ...(rollout.namespace !== undefined ? { namespace: rollout.namespace } : {}),
      labels: {
        [POD_TEMPLATE_HASH_LABEL]: latestPodHash,
        [ROLLOUT_TYPE_LABEL]: ROLLOUT_TYPE[type],
        ...analysis.analysisRunMetadata?.labels,
        ...rollout.selectorLabels,
      },
      annotations: { [REVISION_ANNOTATION]: rollout.revision, ...analysis.analysisRunMetadata?.annotations },
      ownerReferences: [
        {
          apiVersion: ANALYSIS_API_VERSION,
          kind: 'Rollout',
          name: rollout.name,
          uid: rollout.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      metrics: merged.metrics,
      args: merged.args,
      ...(merged.dryRun.length > 0 ? { dryRun: merged.dryRun } : {}),
      ...(merged.measurementRetention.length > 0 ? { measurementRetention: merged.measurementRetention } : {}),
    },
  };
}
