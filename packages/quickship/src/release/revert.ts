// The GitOps rollback: a commit that reverts the last release — the last commit that changed the
// Application's folder — so Git and what runs agree again; auto-sync deploys it. Shared by
// `quickship rollback` and the engine API's POST /applications/:name/revert (the console's
// Rollback under auto-sync, where Argo CD refuses `app rollback`).
import { UserError } from '../errors.ts';
import { ReleaseGit } from './git.ts';

export interface Reverted {
  /** The release commit reverted (full hash) and its subject. */
  readonly commit: string;
  readonly subject: string;
  /** The revert commit (short hash). */
  readonly head: string;
  /** One line for the CLI and the console. */
  readonly message: string;
}

/**
 * `git revert --no-edit` of the last commit that changed `path` in the working tree at `repoDir`.
 * Asynchronous: the engine runs it from an API request, beside the Service routers' event loop.
 */
export async function revertLastRelease(repoDir: string, path: string): Promise<Reverted> {
  const repo = new ReleaseGit(repoDir);
  const git = async (...args: string[]): Promise<string> => (await repo.run(args)).trim();
  const dirty = await git('status', '--porcelain', '--', path);
  if (dirty)
    throw new UserError(`${path} has uncommitted changes`, `commit or stash them first (git status -- ${path})`);
  const last = await git('log', '-1', '--format=%H%x00%s', '--', path);
  if (!last)
    throw new UserError(
      `no commit has changed ${path}: there is no release to roll back`,
      'release first: quickship release <image>',
    );
  const [commit, subject] = last.split('\0') as [string, string];
  try {
    await git('revert', '--no-edit', commit);
  } catch (error) {
    throw new UserError(
      `git revert ${commit.slice(0, 7)} failed: ${(error as Error).message.split('\n')[0]}`,
      'resolve it by hand: git revert --abort, then git revert <commit>',
    );
  }
  const head = await git('rev-parse', '--short', 'HEAD');
  return {
    commit,
    subject,
    head,
    message: `reverted ${commit.slice(0, 7)} (${subject}) as ${head}: auto-sync deploys it`,
  };
}
