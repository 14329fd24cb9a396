// The pure core of the local blue/green engine: parsing, lint, hashing, the blue/green decision,
// verbs, phase, status and rendering. No I/O: inputs are strings/objects, outputs are data.
// Semantics and their upstream sources: packages/quickship/docs/semantics.md.

// Reading deploy/
export { splitManifests, objectIdentity, apiGroup, type ManifestDocument } from './manifests.ts';
export { readDeployObjects, type DeployObjects } from './catalog.ts';
export { parseRollout, isRollout } from './spec.ts';
export { parseService, isService } from './service.ts';
export { parsePodTemplate, type ParsedPodTemplate } from './pod-template.ts';
export { lintManifests, type LintError, type LintOptions, type LintResult } from './lint.ts';
export {
  parseImageReference,
  checkFullyExpanded,
  isFullyExpanded,
  type ImageReference,
  type ExpansionCheck,
} from './image-ref.ts';

// Reading the Dockerfile: the image config and the bundle step a local build runs
export { parseDockerfile, type Dockerfile, type DockerfileInstruction, type DockerfileStage } from './dockerfile.ts';
export { imageConfig, bundleStep, type ImageConfig, type BundleStep } from './image-config.ts';
export { DockerfileError } from './dockerfile-errors.ts';

// Revisions
export { computePodTemplateHash, specFingerprint, canonicalJson, POD_TEMPLATE_HASH_LABEL } from './hash.ts';

// Deciding and acting
export { reconcileBlueGreen, initialControllerStatus, type ReconcileInput, type ReconcileResult } from './bluegreen.ts';
export {
  promote,
  abort,
  retry,
  undo,
  restart,
  resourceAction,
  ROLLOUT_RESOURCE_ACTIONS,
  type VerbResult,
  type UndoResult,
} from './verbs.ts';

// Showing
export { calculateRolloutPhase, getRolloutPhase, type Phase, type PhaseCounts } from './phase.ts';
export { rolloutCounts, selectorString, type RolloutCounts } from './counts.ts';
export { buildRolloutObject, buildRolloutView, type RolloutState, type ViewInput } from './status.ts';
export { renderRolloutTree, type TreeOptions } from './tree.ts';
export { viewFromKube, kubeRolloutPhase, type KubeObjects } from './view-from-kube.ts';
export { humanDuration } from './human-duration.ts';
export { rfc3339 } from './time.ts';

export {
  ManifestParseError,
  ManifestObjectError,
  MissingFieldError,
  InvalidFieldError,
  UnsupportedStrategyError,
  UnsupportedFieldError,
  NamedPortNotFoundError,
  InvalidImageNameError,
} from './errors.ts';
export { VerbNotApplicableError } from '../model.ts';
