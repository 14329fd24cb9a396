// The few Git operations the registry needs, run through the real `git` binary.
// A build materialises a commit with `git archive` (not a worktree) so it never touches the
// repository's index, HEAD or worktree list while others work in the same checkout.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { BuildError } from './errors.ts';

const run = promisify(execFile);

async function git(repoDir: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run('git', ['-C', repoDir, ...args], { maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new BuildError(`git ${args.join(' ')} failed in ${repoDir}: ${stderr || (error as Error).message}`);
  }
}

/** The full sha of a commit-ish ("HEAD", a branch, a short sha). */
export async function resolveCommit(repoDir: string, commitish: string): Promise<string> {
  try {
    return await git(repoDir, ['rev-parse', '--verify', '--quiet', `${commitish}^{commit}`]);
  } catch {
    throw new BuildError(
      `"${commitish}" is not a commit in ${repoDir}; pass a commit, branch or tag that exists (git log --oneline)`,
    );
  }
}

/** True when the working tree has uncommitted changes (a build of HEAD will not include them). */
export async function hasUncommittedChanges(repoDir: string): Promise<boolean> {
  return (await git(repoDir, ['status', '--porcelain', '--untracked-files=no'])) !== '';
}

/** Writes the tree of `commit` into `targetDir` (which must exist): git archive | tar -x. */
export function extractCommit(repoDir: string, commit: string, targetDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const archive = spawn('git', ['-C', repoDir, 'archive', '--format=tar', commit], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tar = spawn('tar', ['-x', '-f', '-', '-C', targetDir], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    archive.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    tar.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    archive.stdout.pipe(tar.stdin);
    let pending = 2;
    let failed = false;
    const done = (what: string) => (code: number | null) => {
      if (code !== 0 && !failed) {
        failed = true;
        reject(new BuildError(`${what} of ${commit.slice(0, 12)} failed (exit ${code}): ${stderr.trim()}`));
      }
      if (--pending === 0 && !failed) resolve();
    };
    archive.on('error', reject);
    tar.on('error', reject);
    archive.on('close', done('git archive'));
    tar.on('close', done('tar -x'));
  });
}
