// An engine in GitOps mode over a test repository, as `quickship up` runs it without --dir: the
// branch is renamed to main (deploy/argocd's targetRevision), the payments Rollout is committed
// with the test's edits (one replica keeps tests light), and new revisions are commits.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine, type EngineOptions } from '../../src/engine/engine.ts';
import type { ApplicationStatus } from '../../src/gitops/app-status.ts';
import { argoHealth } from '../../src/gitops/health-assessor.ts';
import { API_KEYS, type TestRepo } from './engine.ts';
import { git } from './repo.ts';

export const ROLLOUT_FILE = 'deploy/apps/payments/rollout.yaml';

/** Edits deploy/apps/payments/rollout.yaml and commits it; returns the commit. */
export function commitRollout(repoDir: string, message: string, edit: (text: string) => string): string {
  const file = join(repoDir, ROLLOUT_FILE);
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  git(repoDir, 'commit', '-q', '-am', message);
  return git(repoDir, 'rev-parse', 'HEAD');
}

/** A release as a commit: APP_VERSION is in the pod template, so a new value is a new revision. */
export function commitAppVersion(repoDir: string, version: string): string {
  return commitRollout(repoDir, `release ${version}`, (t) =>
    t.replace(/(name: APP_VERSION\n\s+value: )\S+/, `$1${JSON.stringify(version)}`),
  );
}

export async function startGitOpsEngine(
  repo: TestRepo,
  databaseUrl: string,
  options: { readonly edit?: (rollout: string) => string; readonly overrides?: Partial<EngineOptions> } = {},
): Promise<{
  engine: Engine;
  log: string[];
  app: () => ApplicationStatus | undefined;
  /** The options it was started with (to start it again after a detach). */
  options: EngineOptions;
}> {
  git(repo.repoDir, 'branch', '-M', 'main');
  commitRollout(repo.repoDir, 'test: one replica', (t) =>
    (options.edit ?? ((s) => s))(t.replace(/^ {2}replicas: 3$/m, '  replicas: 1')),
  );
  const log: string[] = [];
  const started: EngineOptions = {
    repoDir: repo.repoDir,
    stateDir: repo.stateDir,
    databaseUrl,
    apiKeys: API_KEYS,
    activePort: 0,
    previewPort: 0,
    backoff: { initialSeconds: 0.5, maxSeconds: 2, resetAfterSeconds: 60 },
    gitops: { health: argoHealth, pollMs: 200 },
    log: (line) => log.push(`${new Date().toISOString()} ${line}`),
    ...options.overrides,
  };
  const engine = await Engine.start(started);
  const app = (): ApplicationStatus | undefined =>
    engine.liveStore().get({ group: 'argoproj.io', kind: 'Application', namespace: 'argocd', name: 'payments' })
      ?.status as ApplicationStatus | undefined;
  return { engine, log, app, options: started };
}
