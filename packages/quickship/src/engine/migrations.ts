// Runs the database migrations of the build being deployed before any instance of it starts:
// the local stand-in for the Argo CD PreSync hook Job (the image's `migrate` entry point with
// DATABASE_URL). Migrations are expand-only and idempotent (services/payments/migrations), so
// running them once per build while the old revision keeps serving is safe.
import { AsyncLocalStorage } from 'node:async_hooks';
import { UserError } from '../errors.ts';
import { execFile } from 'node:child_process';
import { containerArgv } from '../runtime/command.ts';
import type { ImageResolver, ResolvedImage } from '../runtime/registry.ts';

/** The stable build of the PreSync in progress (set by MigratingImageResolver, read by runMigrations). */
const stableBuild = new AsyncLocalStorage<ResolvedImage | undefined>();

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

/** The migrate Job's container args (deploy/apps/payments/migrate-job.yaml): the image's ENTRYPOINT runs them. */
export const MIGRATE_ARGS: readonly string[] = ['services/payments/dist/migrate.mjs'];

/** The migrate Job's process in the build (`node services/payments/dist/migrate.mjs`), after the compatibility check. */
export async function runMigrations(image: ResolvedImage, databaseUrl: string, timeoutMs = 120_000): Promise<string> {
  // --dir mode: old code × new schema first (src/migrations/compatibility). GitOps mode gates the Job in the sync (migration-gate.ts).
  const stable = stableBuild.getStore();
  if (stable)
    await (await import('../migrations/compatibility/presync.ts')).checkBeforeMigrating(stable, image, databaseUrl);
  return runMigrationsOnly(image, databaseUrl, timeoutMs);
}

/** The migrate entry point of a build against a database, nothing else (also used on the scratch copy). */
export function runMigrationsOnly(image: ResolvedImage, databaseUrl: string, timeoutMs = 120_000): Promise<string> {
  const job = containerArgv(
    image.manifest.config,
    { args: MIGRATE_ARGS, env: { DATABASE_URL: databaseUrl } },
    { rootfs: image.rootfs },
  );
  return new Promise((resolve, reject) => {
    execFile(
      job.file,
      job.args,
      {
        cwd: job.cwd,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...job.env },
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
  /** The last build migrated here: the one serving when the next build's migrations run (the stable). */
  private stable: ResolvedImage | undefined;

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
      run = stableBuild.run(this.stable, () => this.migrate(resolved));
      this.done.set(commit, run);
      run.then(
        () => (this.stable = resolved),
        () => this.done.delete(commit),
      );
    }
    return run;
  }
}
