// The Git operations a release performs on the target repository: only these paths are ever
// staged or committed, so whatever else is staged or modified in the checkout stays as it was.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { UserError } from '../errors.ts';

const execFileAsync = promisify(execFile);

export class ReleaseGitError extends UserError {
  override readonly fix = 'see the git message above; nothing was committed';
  constructor(args: readonly string[], detail: string) {
    super(`git ${args.join(' ')}: ${detail}`);
    this.name = 'ReleaseGitError';
  }
}

export class ReleaseGit {
  constructor(readonly repoDir: string) {}

  static async open(dir: string): Promise<ReleaseGit> {
    const top = await new ReleaseGit(dir).run(['rev-parse', '--show-toplevel']);
    return new ReleaseGit(top);
  }

  /** `git status --porcelain` limited to the paths: the ones with uncommitted or untracked changes. */
  async changedPaths(paths: readonly string[]): Promise<string[]> {
    const out = await this.run(['status', '--porcelain', '--untracked-files=all', '--', ...paths]);
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3));
  }

  /** Stages exactly these paths (additions, changes and deletions) and commits only them. */
  async commitPaths(paths: readonly string[], message: string): Promise<string> {
    await this.run(['add', '--all', '--', ...paths]);
    try {
      await this.run(['commit', '--quiet', '--no-verify', '--message', message, '--only', '--', ...paths]);
    } catch (error) {
      await this.run(['reset', '--quiet', '--', ...paths]).catch(() => undefined);
      throw error;
    }
    return this.run(['rev-parse', 'HEAD']);
  }

  async run(args: readonly string[]): Promise<string> {
    try {
      const { stdout } = await execFileAsync('git', ['-C', this.repoDir, ...args], { maxBuffer: 16 * 1024 * 1024 });
      return stdout.trimEnd();
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new ReleaseGitError(args, stderr || (error as Error).message);
    }
  }
}
