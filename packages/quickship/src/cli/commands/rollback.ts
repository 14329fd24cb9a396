// `quickship rollback`: the GitOps rollback — a commit that reverts the last release (the last
// commit that changed the Rollout's folder), so Git and what runs agree again; auto-sync deploys
// it. The Rollout's spec.rollbackWindow (revisions: 1 in deploy/) makes that a fast-tracked
// rollback (core/bluegreen/rollback-window.ts): no pause, no analysis. While the previous
// ReplicaSet is still up (scaleDownDelaySeconds) the active Service is back on it at once; after
// that it is scaled up again and takes the active Service as soon as it is fully available.
import { execFileSync } from 'node:child_process';
import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import { DEFAULT_DEPLOY_DIR, repoRoot } from '../repo.ts';

export function register(program: Command): void {
  program
    .command('rollback')
    .description('Commit a revert of the last release (the GitOps rollback; auto-sync deploys it)')
    .option('--repo <folder>', 'repository root (default: the Git top level here)')
    .option('--path <folder>', `the Rollout's folder (default ${DEFAULT_DEPLOY_DIR})`)
    .action((options: { repo?: string; path?: string }) => {
      const repo = repoRoot(options.repo);
      const path = options.path ?? DEFAULT_DEPLOY_DIR;
      const git = (...args: string[]): string =>
        execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
      const dirty = git('status', '--porcelain', '--', path);
      if (dirty)
        throw new UserError(`${path} has uncommitted changes`, `commit or stash them first (git status -- ${path})`);
      const last = git('log', '-1', '--format=%H%x00%s', '--', path);
      if (!last)
        throw new UserError(
          `no commit has changed ${path}: there is no release to roll back`,
          'release first: quickship release <image>',
        );
      const [commit, subject] = last.split('\0') as [string, string];
      try {
        git('revert', '--no-edit', commit);
      } catch (error) {
        throw new UserError(
          `git revert ${commit.slice(0, 7)} failed: ${(error as Error).message.split('\n')[0]}`,
          'resolve it by hand: git revert --abort, then git revert <commit>',
        );
      }
      console.log(
        `reverted ${commit.slice(0, 7)} (${subject}) as ${git('rev-parse', '--short', 'HEAD')}: auto-sync deploys it`,
      );
    });
}
