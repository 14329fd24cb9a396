// Where the CLI finds the repository (builds, deploy/, .quickship/): --repo, else the Git top
// level of the current folder, else the current folder.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The nearest folder up from the current one holding `.git` (a folder, or a file in a worktree
 * or submodule), as `git rev-parse --show-toplevel` finds it, without starting git (~30 ms of
 * every command's start-up).
 */
export function repoRoot(explicit?: string): string {
  if (explicit) return resolve(explicit);
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

export const DEFAULT_DEPLOY_DIR = 'deploy/apps/payments';
