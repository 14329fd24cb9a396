// The GitOps rollback: a commit that reverts the last release — the last commit that changed the
// Application's folder — so Git and what runs agree again; auto-sync deploys it. Shared by
// `quickship rollback` and the engine API's POST /applications/:name/revert (the console's
// Rollback under auto-sync, where Argo CD refuses `app rollback`).
import { execFileSync } from 'node:child_process';
import { UserError } from '../errors.ts';

export interface Reverted {
  /** The release commit reverted (full hash) and its subject. */
  readonly commit: string;
  readonly subject: string;
  /** The revert commit (short hash). */
  readonly head: string;
  /** One line for the CLI and the console. */
  readonly message: string;
}

/** `git revert --no-edit` of the last commit that changed `path` in the working tree at `repoDir`. */
export function revertLastRelease(repoDir: string, path: string): Reverted {
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', repoDir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
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
  const head = git('rev-parse', '--short', 'HEAD');
  return {
    commit,
    subject,
    head,
    message: `reverted ${commit.slice(0, 7)} (${subject}) as ${head}: auto-sync deploys it`,
  };
}
