// `quickship lint`: `kubectl argo rollouts lint` semantics (pkg/kubectl-argo-rollouts/cmd/lint):
// Rollouts are decoded strictly (an unknown field fails the file), then every Rollout is checked
// with ValidateRollout and against the Services of the same input (ValidateRolloutReferencedResources).
// Messages are upstream's field errors, e.g.
//   spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero
// Upstream prints every error and fails with the first; we return them all in input order.
import { objectIdentity, type ManifestDocument } from './manifest-documents.ts';
import { isService } from './service.ts';
import { isRollout } from './spec.ts';
import { formatFieldError, type FieldError } from './lint/field-error.ts';
import { firstUnknownField, rolloutKnownFields } from './lint/known-fields.ts';
import { validateRollout } from './lint/rollout.ts';
import { validateServices } from './lint/services.ts';

export interface LintError {
  readonly file: string;
  /** Document index in the file. */
  readonly index: number;
  /** The Rollout the error is about ('' when it has no name). */
  readonly rollout: string;
  /** Field path, e.g. "spec.strategy.maxSurge". */
  readonly path: string;
  /** `<path>: <reason>`, worded as the kubectl plugin words it. */
  readonly message: string;
  /** "argo": what `kubectl argo rollouts lint` reports; "quickship": a local-engine rule on top. */
  readonly origin: 'argo' | 'quickship';
}

export interface LintOptions {
  /** Require a blue/green Rollout's active and preview Services in the input (default true). */
  readonly requireBlueGreenServices?: boolean;
}

export interface LintResult {
  readonly errors: readonly LintError[];
  /** Rollouts checked (by name), so a caller can say "3 Rollouts, no errors". */
  readonly rollouts: readonly string[];
}

export function lintManifests(docs: readonly ManifestDocument[], options: LintOptions = {}): LintResult {
  const rollouts = docs.filter((d) => isRollout(d.object));
  const services = docs.filter((d) => isService(d.object)).map((d) => d.object);
  const errors: LintError[] = [];
  for (const doc of rollouts) {
    const name = objectIdentity(doc.object).name;
    const located = (e: FieldError, origin: LintError['origin']): LintError => ({
      file: doc.file,
      index: doc.index,
      rollout: name,
      path: e.field,
      message: formatFieldError(e),
      origin,
    });
    // Strict decoding fails before any validation, as in upstream.
    const unknown = firstUnknownField(doc.object, rolloutKnownFields);
    if (unknown !== undefined) {
      errors.push({
        file: doc.file,
        index: doc.index,
        rollout: name,
        path: unknown.path,
        origin: 'argo',
        message: `${unknown.path}: unknown field ${JSON.stringify(unknown.key)} (json: unknown field ${JSON.stringify(unknown.key)})`,
      });
      continue;
    }
    errors.push(...validateRollout(doc.object).map((e) => located(e, 'argo')));
    const refs = validateServices(doc.object, services, options.requireBlueGreenServices ?? true);
    errors.push(...refs.argo.map((e) => located(e, 'argo')), ...refs.local.map((e) => located(e, 'quickship')));
  }
  return { errors, rollouts: rollouts.map((d) => objectIdentity(d.object).name) };
}
