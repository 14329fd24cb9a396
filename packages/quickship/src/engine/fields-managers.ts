// Field-manager names, as the API server records them in managedFields: who changed what.
export const ROLLOUT_CONTROLLER_MANAGER = 'argo-rollouts';
export const PLUGIN_MANAGER = 'kubectl-argo-rollouts';
