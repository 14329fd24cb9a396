// The local blue/green engine: the controller loop over core's pure reconcile, applied through
// the runtime. What `quickship up` starts around it (PostgreSQL, the API) is src/stack.ts.
export { Engine, type EngineOptions } from './engine.ts';
export { RolloutController, type RolloutEvent } from './rollout-controller.ts';
export { loadDeploy, NoRolloutError, SeveralRolloutsError, type DeployState } from './deploy.ts';
export { readDeployDir, watchDeployDir, DeployDirNotFoundError, type DeployFile } from './deploy-source.ts';
export { resolveEnv, type EnvSources, type ResolvedEnv } from './env.ts';
export { apiKeys, firstApiKey, readSecretsFile, InvalidSecretsFileError, type ApiKeys } from './secrets.ts';
export { MigratingImageResolver, MigrationFailedError, runMigrations } from './migrations.ts';
export type { PersistedRollout } from './persisted-rollout.ts';
