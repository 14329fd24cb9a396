// Parses an argoproj.io Rollout into the RolloutSpec the local engine runs, with Argo's defaults
// (utils/defaults/defaults.go: replicas 1, revisionHistoryLimit 10, progressDeadlineSeconds 600,
// blueGreen.autoPromotionEnabled true, scaleDownDelaySeconds 30, abortScaleDownDelaySeconds 30).
// Only strategy.blueGreen runs locally; canary is refused with the path to change. Every field
// present but not run locally is listed in `ignored` with the reason.
import type { BlueGreenStrategy, IgnoredField, RolloutSpec } from '../model.ts';
import { InvalidFieldError, MissingFieldError, UnsupportedFieldError, UnsupportedStrategyError } from './errors.ts';
import {
  child,
  optionalBool,
  optionalInt,
  optionalRecord,
  optionalString,
  requiredRecord,
  requiredString,
  stringMap,
  type UnknownRecord,
} from './fields.ts';
import { ignoredFields, type SupportRule } from './ignored.ts';
import { parsePodTemplate } from './pod-template.ts';

export const ROLLOUT_API_GROUP = 'argoproj.io';

export function isRollout(object: UnknownRecord): boolean {
  return (
    object.kind === 'Rollout' &&
    typeof object.apiVersion === 'string' &&
    object.apiVersion.startsWith(`${ROLLOUT_API_GROUP}/`)
  );
}

export function parseRollout(object: UnknownRecord): RolloutSpec {
  if (!isRollout(object)) {
    throw new InvalidFieldError('kind', object.kind, 'expected kind Rollout with apiVersion argoproj.io/v1alpha1');
  }
  const metadata = requiredRecord(object.metadata, 'metadata', 'add metadata.name');
  const name = requiredString(metadata.name, 'metadata.name', 'name the Rollout');
  const namespace = optionalString(metadata.namespace, 'metadata.namespace') ?? 'default';
  const spec = requiredRecord(object.spec, 'spec', 'add spec (selector, template, strategy.blueGreen)');
  const strategy = parseStrategy(spec.strategy);
  if (spec.workloadRef !== undefined) {
    throw new UnsupportedFieldError(
      'spec.workloadRef',
      'write the pod template in spec.template instead of referencing a Deployment',
    );
  }
  const selector = requiredRecord(
    spec.selector,
    'spec.selector',
    "add spec.selector.matchLabels matching spec.template.metadata.labels (Rollout has missing field '.spec.selector')",
  );
  const matchLabels = stringMap(selector.matchLabels, 'spec.selector.matchLabels');
  if (Object.keys(matchLabels).length === 0) {
    throw new MissingFieldError(
      'spec.selector.matchLabels',
      'select the template labels, e.g. matchLabels: {app: payments}',
    );
  }
  const template = parsePodTemplate(spec.template, 'spec.template');
  const restartAt = optionalString(spec.restartAt, 'spec.restartAt');
  const rollbackWindow = parseRollbackWindow(spec.rollbackWindow);
  const ignored: IgnoredField[] = [...ignoredFields(object, rolloutRule, ''), ...template.ignored];
  return {
    name,
    namespace,
    replicas: optionalInt(spec.replicas, 'spec.replicas', 0) ?? 1,
    revisionHistoryLimit: optionalInt(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit', 0) ?? 10,
    progressDeadlineSeconds: optionalInt(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds', 0) ?? 600,
    progressDeadlineAbort: optionalBool(spec.progressDeadlineAbort, 'spec.progressDeadlineAbort') ?? false,
    selector: matchLabels,
    strategy: { blueGreen: strategy },
    template: spec.template,
    templateLabels: template.templateLabels,
    container: template.container,
    terminationGracePeriodSeconds: template.terminationGracePeriodSeconds,
    paused: optionalBool(spec.paused, 'spec.paused') ?? false,
    ...(restartAt === undefined ? {} : { restartAt }),
    ...(rollbackWindow === undefined ? {} : { rollbackWindow }),
    ignored,
  };
}

/** spec.rollbackWindow (RollbackWindowSpec): only `revisions` exists upstream; 0 or absent turns it off. */
function parseRollbackWindow(value: unknown): { revisions: number } | undefined {
  if (value === undefined || value === null) return undefined;
  const window = requiredRecord(value, 'spec.rollbackWindow', 'write spec.rollbackWindow: {revisions: 1}');
  const revisions = optionalInt(window.revisions, 'spec.rollbackWindow.revisions', 0);
  return revisions === undefined ? undefined : { revisions };
}

function parseStrategy(value: unknown): BlueGreenStrategy {
  const strategy = requiredRecord(value, 'spec.strategy', 'add spec.strategy.blueGreen with activeService');
  for (const key of Object.keys(strategy)) {
    if (key !== 'blueGreen') throw new UnsupportedStrategyError(child('spec.strategy', key), key);
  }
  const path = 'spec.strategy.blueGreen';
  const bg = requiredRecord(strategy.blueGreen, path, 'add spec.strategy.blueGreen with activeService');
  const int = (key: string): number | undefined => optionalInt(bg[key], child(path, key), 0);
  const previewService = optionalString(bg.previewService, child(path, 'previewService'));
  const autoPromotionSeconds = int('autoPromotionSeconds');
  const scaleDownDelayRevisionLimit = int('scaleDownDelayRevisionLimit');
  const previewReplicaCount = int('previewReplicaCount');
  const prePromotionAnalysis = optionalRecord(bg.prePromotionAnalysis, child(path, 'prePromotionAnalysis'));
  const postPromotionAnalysis = optionalRecord(bg.postPromotionAnalysis, child(path, 'postPromotionAnalysis'));
  return {
    activeService: requiredString(
      bg.activeService,
      child(path, 'activeService'),
      'name the Service that receives production traffic',
    ),
    ...(previewService === undefined || previewService === '' ? {} : { previewService }),
    autoPromotionEnabled: optionalBool(bg.autoPromotionEnabled, child(path, 'autoPromotionEnabled')) ?? true,
    ...(autoPromotionSeconds === undefined ? {} : { autoPromotionSeconds }),
    scaleDownDelaySeconds: int('scaleDownDelaySeconds') ?? 30,
    ...(scaleDownDelayRevisionLimit === undefined ? {} : { scaleDownDelayRevisionLimit }),
    abortScaleDownDelaySeconds: int('abortScaleDownDelaySeconds') ?? 30,
    ...(previewReplicaCount === undefined ? {} : { previewReplicaCount }),
    ...(prePromotionAnalysis === undefined ? {} : { prePromotionAnalysis }),
    ...(postPromotionAnalysis === undefined ? {} : { postPromotionAnalysis }),
  };
}

const blueGreenRule: SupportRule = {
  activeService: true,
  previewService: true,
  autoPromotionEnabled: true,
  autoPromotionSeconds: true,
  scaleDownDelaySeconds: true,
  scaleDownDelayRevisionLimit: true,
  abortScaleDownDelaySeconds: true,
  previewReplicaCount: true,
  // Run by the engine's analysis controller (engine/analysis-controller.ts).
  prePromotionAnalysis: true,
  postPromotionAnalysis: true,
};

const rolloutRule: SupportRule = {
  apiVersion: true,
  kind: true,
  metadata: true,
  spec: {
    replicas: true,
    revisionHistoryLimit: true,
    progressDeadlineSeconds: true,
    progressDeadlineAbort: true,
    paused: true,
    restartAt: true,
    rollbackWindow: { revisions: true },
    selector: { matchLabels: true },
    strategy: { blueGreen: blueGreenRule },
    template: true, // walked by pod-template.ts with the container's own rules
  },
};
