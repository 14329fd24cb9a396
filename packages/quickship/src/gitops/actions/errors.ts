// Named errors of Argo CD's resource actions. Each names the value and the fix, so a CLI or API can
// show error.message as is.
import { UserError } from '../../errors.ts';

/** No action of that name exists for the kind (Argo CD: "action not found"). */
export class UnknownActionError extends UserError {
  constructor(
    readonly kind: string,
    readonly action: string,
    readonly known: readonly string[],
  ) {
    super(
      known.length === 0
        ? `${kind} has no resource actions in Argo CD; "${action}" cannot run on it.`
        : `"${action}" is not an Argo CD action of ${kind}: use one of ${known.join(', ')}.`,
    );
    this.name = 'UnknownActionError';
  }
}

/**
 * The object lacks a field the action's script reads, so Argo CD's Lua script would fail with a
 * runtime error and change nothing (e.g. abort on a Rollout that has no status yet).
 */
export class ActionNotApplicableError extends UserError {
  constructor(
    readonly kind: string,
    readonly objectName: string,
    readonly action: string,
    readonly missing: string,
  ) {
    const fix = missing.startsWith('status')
      ? 'wait for its controller to report status, then run it again'
      : `set ${missing} in the manifest, then run it again`;
    super(`${kind} "${objectName}": action ${action} needs ${missing}, which the object does not have; ${fix}.`);
    this.name = 'ActionNotApplicableError';
  }
}
