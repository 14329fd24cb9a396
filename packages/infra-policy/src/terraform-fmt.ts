// `terraform fmt -check`: the formatting gate CI runs (.ci/run). Thin shell over the CLI; it needs
// no providers and no network, unlike `terraform validate`, which needs `terraform init`.
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export async function findTerraform(pathEnv = process.env['PATH'] ?? ''): Promise<string | undefined> {
  for (const dir of pathEnv.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'terraform');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  return undefined;
}

export interface FmtResult {
  readonly formatted: boolean;
  /** Files `terraform fmt` would rewrite, relative to the checked folder. */
  readonly unformatted: string[];
}

export class TerraformFmtError extends Error {
  constructor(
    readonly dir: string,
    readonly detail: string,
  ) {
    super(`terraform fmt -check failed to run in ${dir}: ${detail}. Run it by hand to see the error.`);
    this.name = 'TerraformFmtError';
  }
}

/** Runs `terraform fmt -check -recursive -list=true` in `dir` (exit 3 = files need formatting). */
export function terraformFmtCheck(terraform: string, dir: string): Promise<FmtResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      terraform,
      ['fmt', '-check', '-recursive', '-list=true', '-no-color'],
      { cwd: dir, timeout: 30_000, env: { ...process.env, TF_IN_AUTOMATION: '1' } },
      (error, stdout, stderr) => {
        const unformatted = stdout
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean);
        if (!error) return resolvePromise({ formatted: true, unformatted: [] });
        if (error.code === 3) return resolvePromise({ formatted: false, unformatted });
        reject(new TerraformFmtError(dir, stderr.trim() || error.message));
      },
    );
  });
}
