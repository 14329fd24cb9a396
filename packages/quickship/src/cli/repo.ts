// Where the CLI finds the repository (builds, deploy/, .quickship/): --repo, else the Git top
// level of the current folder, else the current folder.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export function repoRoot(explicit?: string): string {
  if (explicit) return resolve(explicit);
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return process.cwd();
  }
}

export const DEFAULT_DEPLOY_DIR = 'deploy/apps/payments';
