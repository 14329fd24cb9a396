// Errors of the Kubernetes target. Each names the value (context, server, rollout) and the fix;
// the `fix` field is what the CLI prints under the message.
import { UserError, type UserErrorCode } from '../errors.ts';

/** The kubeconfig, its context or the API server cannot be used. */
export class KubeTargetUnavailableError extends UserError {
  override readonly code = 'ServiceUnavailable';
  constructor(
    message: string,
    override readonly fix: string,
  ) {
    super(message);
    this.name = 'KubeTargetUnavailableError';
  }
}

/** The API server answered 404 for the Rollout: the one RolloutNotFoundError, built with `inNamespace`. */
export { RolloutNotFoundError } from '../errors.ts';

/** Any other refusal by the API server (RBAC, validation, conflict), with its status and message. */
export class KubeApiError extends UserError {
  override readonly code: UserErrorCode;
  override readonly fix: string;
  constructor(
    readonly status: number,
    readonly what: string,
    reason: string,
  ) {
    super(`${what}: the API server answered ${status}: ${reason}`);
    this.name = 'KubeApiError';
    this.code = KUBE_STATUS_CODES[status] ?? 'BadRequest';
    this.fix =
      status === 401 || status === 403
        ? 'check your credentials and RBAC for argoproj.io rollouts (and rollouts/status)'
        : 'see the message above';
  }
}

/** The API server's status, in the engine API's (Kubernetes') words. */
const KUBE_STATUS_CODES: Readonly<Record<number, UserErrorCode>> = {
  401: 'Forbidden',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  503: 'ServiceUnavailable',
};
