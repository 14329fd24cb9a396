// Runs the database migrations of the build being deployed before any instance of it starts:
// the local stand-in for the Argo CD PreSync hook Job (the image's `migrate` entry point with
// DATABASE_URL). Migrations are expand-only and idempotent (services/payments/migrations), so
// running them once per build while the old revision keeps serving is safe.
import { UserError } from '../errors.ts';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { ImageResolver, ResolvedImage } from '../runtime/registry.ts';

export class MigrationFailedError extends UserError {
  override readonly code = 'Conflict';
  override readonly fix = 'fix the migration under services/payments/migrations, commit, and `quickship build` again';
  constructor(
    readonly image: string,
    readonly output: string,
  ) {
    super(`PreSync migrations of ${image} failed, so none of its instances start:\n${output}`);
    this.name = 'MigrationFailedError';
  }
}

export const MIGRATE_ENTRY = join('services', 'payments', 'src', 'migrate-cli.ts');

/** `node --import tsx services/payments/src/migrate-cli.ts` in the build's tree, as the image would run it. */
export function runMigrations(image: ResolvedImage, databaseUrl: string, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MIGRATE_ENTRY],
      {
        cwd: image.rootfs,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: databaseUrl },
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 4 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trim();
        if (error)
          reject(new MigrationFailedError(image.image, output.split('\n').slice(-20).join('\n') || error.message));
        else resolve(output);
      },
    );
  });
}

/**
 * An image resolver that runs a build's migrations (once per commit) before handing the build to
 * an instance, so no process of a new build can start against an unmigrated schema. A failure is
 * not remembered: the instance's next pull attempt runs the migrations again.
 */
export class MigratingImageResolver implements ImageResolver {
  private readonly done = new Map<string, Promise<void>>();

  constructor(
    private readonly inner: ImageResolver,
    private readonly migrate: (image: ResolvedImage) => Promise<void>,
  ) {}

  async resolve(image: string): Promise<ResolvedImage> {
    const resolved = await this.inner.resolve(image);
    await this.migrated(resolved);
    return resolved;
  }

  migrated(resolved: ResolvedImage): Promise<void> {
    const commit = resolved.manifest.commit;
    let run = this.done.get(commit);
    if (!run) {
      run = this.migrate(resolved);
      this.done.set(commit, run);
      run.catch(() => this.done.delete(commit));
    }
    return run;
  }
}
