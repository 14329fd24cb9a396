// Runs the database migrations of the build being deployed before its first instance starts:
// the local stand-in for the Argo CD PreSync hook Job (`migrate` entry point, DATABASE_URL).
// Migrations are expand-only and idempotent, so running them once per new build is safe while
// the old revision keeps serving.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export class MigrationFailedError extends Error {
  constructor(
    readonly buildDir: string,
    readonly output: string,
  ) {
    super(`migrations of the build in ${buildDir} failed (the PreSync hook; nothing of the new revision was started):\n${output}`);
    this.name = 'MigrationFailedError';
  }
  readonly fix = 'fix the migration under services/payments/migrations, commit, and `quickship build` again';
}

export interface MigrationRun {
  /** Root of the build (a checkout of the commit) holding services/payments. */
  readonly buildDir: string;
  readonly databaseUrl: string;
  /** The tsx CLI to run TypeScript with. */
  readonly tsxBin: string;
  readonly timeoutMs?: number;
}

export const MIGRATE_ENTRY = join('services', 'payments', 'src', 'migrate-cli.ts');

export function runMigrations(run: MigrationRun): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      run.tsxBin,
      [MIGRATE_ENTRY],
      { cwd: run.buildDir, env: { ...process.env, DATABASE_URL: run.databaseUrl }, timeout: run.timeoutMs ?? 120_000, maxBuffer: 4 * 1024 * 1024, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trim();
        if (error) reject(new MigrationFailedError(run.buildDir, output.split('\n').slice(-20).join('\n') || error.message));
        else resolve(output);
      },
    );
  });
}
