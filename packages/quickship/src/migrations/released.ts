// "Released", without a running engine: the migrations in the tree of the newest release commit
// reachable from HEAD for the environment — the commit `quickship release` made
// (`release: payments <ref>` with `environment: <env>` in its body, release/plan.ts). A release
// commit changes only images.json and deploy/ on top of the commit CI built the image from, so its
// migrations are exactly those of the image deploy/ references: the one the shared database has
// run and the stable revision serves. No release commit yet: nothing is released, every file is new.
import { UserError } from '../errors.ts';
import type { ReleasedMigrations } from './lint.ts';
import { releasedAtHead } from './release-cache.ts';

import { MIGRATIONS_PATH } from './paths.ts';

export { MIGRATIONS_PATH };

export class MigrationGitError extends UserError {
  override readonly fix =
    'run inside the repository (or pass --repo), with its history (`git fetch --unshallow` in CI)';
  constructor(args: readonly string[], detail: string) {
    super(`git ${args.join(' ')}: ${detail}`);
    this.name = 'MigrationGitError';
  }
}

async function git(repoDir: string, args: readonly string[]): Promise<string> {
  // Loaded on first use: `quickship lint` with the released migrations cached (release-cache.ts)
  // runs no git, and node:child_process costs a CLI's start-up 6–8 ms (promisify(execFile) at load
  // would load it even through the CLI loader's lazy built-ins).
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  try {
    const { stdout } = await promisify(execFile)('git', ['-C', repoDir, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    throw new MigrationGitError(args, (error as { stderr?: string }).stderr?.trim() || (error as Error).message);
  }
}

/** The newest release commit of the environment reachable from `from` (default HEAD), or undefined. */
export async function findReleaseCommit(
  repoDir: string,
  environment: string,
  from = 'HEAD',
): Promise<{ commit: string; subject: string } | undefined> {
  const out = await git(repoDir, [
    'log',
    '-1',
    '--format=%H%x00%s',
    '--all-match',
    '--grep=^release: payments ',
    `--grep=^environment: ${environment}$`,
    from,
    '--',
  ]);
  const [commit, subject] = out.trim().split('\0');
  return commit ? { commit, subject: subject ?? '' } : undefined;
}

/** The migration files (name → SQL) in the tree of a commit. */
export async function migrationsAt(repoDir: string, commit: string): Promise<Map<string, string>> {
  const listing = await git(repoDir, ['ls-tree', '--name-only', `${commit}:${MIGRATIONS_PATH}`]).catch(() => '');
  const names = listing.split('\n').filter((n) => n.endsWith('.sql'));
  const texts = await Promise.all(names.map((name) => git(repoDir, ['show', `${commit}:${MIGRATIONS_PATH}/${name}`])));
  return new Map(names.map((name, i) => [name, texts[i] ?? '']));
}

/** The stable release's migrations: at `since` when given (a commit), else at the newest release commit. */
export async function readReleasedMigrations(
  repoDir: string,
  options: { readonly environment: string; readonly since?: string },
): Promise<ReleasedMigrations> {
  if (options.since) {
    const commit = (await git(repoDir, ['rev-parse', '--verify', `${options.since}^{commit}`])).trim();
    return { label: `commit ${commit.slice(0, 12)} (--since)`, files: await migrationsAt(repoDir, commit) };
  }
  // Cached by the HEAD commit (release-cache.ts): the answer never changes for a commit, and the
  // lookup's git processes are most of `quickship lint`'s start-up beyond Node's own.
  return releasedAtHead(repoDir, options.environment, async () => {
    const release = await findReleaseCommit(repoDir, options.environment);
    if (!release) return { label: `no release commit for ${options.environment} yet`, files: new Map() };
    return {
      label: `release commit ${release.commit.slice(0, 12)} (${release.subject})`,
      files: await migrationsAt(repoDir, release.commit),
    };
  });
}
