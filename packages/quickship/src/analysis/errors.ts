// Errors of AnalysisTemplates and AnalysisRuns. Messages name the object, the field and the fix.
import { UserError } from '../errors.ts';

/** A duration (interval, initialDelay) Go's time.ParseDuration would refuse. */
export class InvalidDurationError extends UserError {
  constructor(
    readonly field: string,
    readonly value: string,
  ) {
    super(`${field}: invalid duration ${JSON.stringify(value)}: use Go's form, e.g. "30s", "1m30s", "500ms"`);
    this.name = 'InvalidDurationError';
  }
}

/** An AnalysisTemplate or ClusterAnalysisTemplate that does not have Argo's shape. */
export class InvalidAnalysisTemplateError extends UserError {
  constructor(
    readonly template: string,
    readonly path: string,
    reason: string,
  ) {
    super(`${template}: ${path}: ${reason}`);
    this.name = 'InvalidAnalysisTemplateError';
  }
}

/** A Rollout refers to a template that is not there. */
export class AnalysisTemplateNotFoundError extends UserError {
  constructor(
    readonly kind: string,
    readonly templateName: string,
  ) {
    super(`${kind} '${templateName}' not found: add it to the app's manifests or fix templateName`);
    this.name = 'AnalysisTemplateNotFoundError';
  }
}

/** Args or templates that cannot be combined into one run (upstream's NewAnalysisRunFromTemplates errors). */
export class AnalysisRunBuildError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'AnalysisRunBuildError';
  }
}
