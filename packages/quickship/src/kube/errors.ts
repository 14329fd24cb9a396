// Errors of the Kubernetes target. Each names the value (context, server, rollout) and the fix;
// the `fix` field is what the CLI prints under the message.

/** The kubeconfig, its context or the API server cannot be used. */
export class KubeTargetUnavailableError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'KubeTargetUnavailableError';
  }
}

/** The API server answered 404 for the Rollout. */
export class RolloutNotFoundError extends Error {
  readonly fix: string;
  constructor(
    readonly rollout: string,
    readonly namespace: string,
  ) {
    super(`rollout '${rollout}' not found in namespace '${namespace}'`);
    this.name = 'RolloutNotFoundError';
    this.fix = `check the name and namespace: \`kubectl get rollouts.argoproj.io -n ${namespace}\`, or pass -n <namespace>`;
  }
}

/** Any other refusal by the API server (RBAC, validation, conflict), with its status and message. */
export class KubeApiError extends Error {
  readonly fix: string;
  constructor(
    readonly status: number,
    readonly what: string,
    reason: string,
  ) {
    super(`${what}: the API server answered ${status}: ${reason}`);
    this.name = 'KubeApiError';
    this.fix =
      status === 401 || status === 403
        ? 'check your credentials and RBAC for argoproj.io rollouts (and rollouts/status)'
        : 'see the message above';
  }
}
