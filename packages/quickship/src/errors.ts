// The one base class of every error a user can fix. The CLI prints `error: <message>` and
// `  fix: <fix>` and exits 1; the engine API answers `{error: {code, message, fix}}` with the HTTP
// status of `code`. Anything that is not a UserError is a bug: the CLI prints its stack (exit 2),
// the API answers 500 Internal. Pure: no imports, so every layer (core included) may extend it.
//
// Codes are the engine API's; where Kubernetes has a StatusReason for the same case we use its
// word (NotFound, Conflict, Invalid, Forbidden, ServiceUnavailable: metav1.StatusReason*).

export type ApiErrorCode =
  | 'BadRequest'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'Conflict'
  | 'VerbNotApplicable'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'ServiceUnavailable'
  | 'Internal';

/** The codes a UserError may carry: all but Internal, which means a bug. */
export type UserErrorCode = Exclude<ApiErrorCode, 'Internal'>;

export class UserError extends Error {
  /**
   * The API code: given at the throw site (`new UserError(message, fix, 'NotFound')`, as the
   * GitOps layer does), or narrowed by a subclass (`override readonly code = 'NotFound'`).
   */
  readonly code: UserErrorCode;
  /** What to do next, usually a command; printed under the message. */
  readonly fix?: string;

  constructor(message: string, fix?: string, code: UserErrorCode = 'BadRequest') {
    super(message);
    this.name = new.target.name; // a subclass's own name unless it sets one
    this.code = code;
    if (fix !== undefined) this.fix = fix;
  }
}

/** A verb that does not apply to the rollout's state (e.g. promote on a Healthy rollout). */
export class VerbNotApplicableError extends UserError {
  override readonly code = 'VerbNotApplicable';
  constructor(message: string) {
    super(message);
    this.name = 'VerbNotApplicableError';
  }
}

/**
 * The Rollout named is not there: not the one the local engine runs, or not in the cluster's
 * namespace (the Kubernetes target builds it with `inNamespace`).
 */
export class RolloutNotFoundError extends UserError {
  override readonly code = 'NotFound';
  constructor(message: string, fix?: string) {
    super(message, fix);
    this.name = 'RolloutNotFoundError';
  }

  static inNamespace(rollout: string, namespace: string): RolloutNotFoundError {
    return new RolloutNotFoundError(
      `rollout '${rollout}' not found in namespace '${namespace}'`,
      `check the name and namespace: \`kubectl get rollouts.argoproj.io -n ${namespace}\`, or pass -n <namespace>`,
    );
  }
}

/** A loopback port the engine needs (a Service's or the API's) is taken, usually by another engine. */
export class PortInUseError extends UserError {
  override readonly code = 'Conflict';
  constructor(what: string, flag: string) {
    super(`${what} is already in use (another \`quickship up\`?)`, `stop the other engine, or pass ${flag} <port>`);
    this.name = 'PortInUseError';
  }
}
