// Old code × new schema, before the shared database changes: copy the live schema and a sample of
// rows into a scratch database, apply the candidate build's migrations there, start one instance
// of the STABLE build against it and run the stable build's smoke checks. Any failure refuses the
// candidate's migrations (and so the candidate) with the failing check; the scratch database is
// always dropped. What none of squawk, strong_migrations, Flyway or Argo does: it runs the code
// that will actually be serving while the new schema is live.
import { UserError } from '../../errors.ts';
import { findPgBinDir } from '@quickship/pglocal';
import type { ResolvedImage } from '../../runtime/registry.ts';
import { createScratchCopy } from './scratch-database.ts';
import { runSmoke, startInstance } from './stable-instance.ts';

export interface SchemaCompatibilityRequest {
  /** The build serving now (its code must keep working on the new schema). */
  readonly stable: ResolvedImage;
  /** The build whose migrations are about to run. */
  readonly candidate: ResolvedImage;
  /** The live (shared) database; the role needs CREATEDB. */
  readonly databaseUrl: string;
  /** Rows copied per table (default 1000; schema_migrations entirely). */
  readonly sampleRows?: number;
  /** Applies a build's migrations to a database (the PreSync Job's work, engine/migrations.ts runMigrations). */
  readonly migrate: (image: ResolvedImage, databaseUrl: string) => Promise<string>;
  readonly pgBinDir?: string;
  readonly log?: (line: string) => void;
}

export interface SchemaCompatibilityReport {
  readonly scratchDatabase: string;
  readonly rowsCopied: number;
  readonly migrateOutput: string;
  readonly smokeOutput: string;
  readonly durationMs: number;
}

/** The stable build fails on the candidate's schema: names the failing check and the fix. */
export class SchemaIncompatibleError extends UserError {
  override readonly fix =
    'make the migration expand-only (the stable revision must keep working): see services/payments/migrations/README.md';
  constructor(
    readonly stable: string,
    readonly candidate: string,
    readonly failures: readonly string[],
    detail: string,
  ) {
    super(
      `the migrations of ${candidate} break the stable revision ${stable}, so they were not applied:\n${failures.join('\n')}${detail ? `\n${detail}` : ''}`,
    );
    this.name = 'SchemaIncompatibleError';
  }
}

export async function checkSchemaCompatibility(
  request: SchemaCompatibilityRequest,
): Promise<SchemaCompatibilityReport> {
  const started = Date.now();
  const log = request.log ?? (() => undefined);
  const scratch = await createScratchCopy(request.databaseUrl, {
    pgBinDir: request.pgBinDir ?? findPgBinDir(),
    sampleRows: request.sampleRows,
  });
  log(`compatibility: scratch database ${scratch.name} (${scratch.rowsCopied} sample rows)`);
  try {
    let migrateOutput: string;
    try {
      migrateOutput = await request.migrate(request.candidate, scratch.url);
    } catch (error) {
      throw new SchemaIncompatibleError(
        request.stable.image,
        request.candidate.image,
        [`the migrations fail on a copy of the live schema: ${(error as Error).message}`],
        '',
      );
    }
    let instance;
    try {
      instance = await startInstance(request.stable, scratch.url);
    } catch (error) {
      throw new SchemaIncompatibleError(request.stable.image, request.candidate.image, [(error as Error).message], '');
    }
    try {
      const smoke = await runSmoke(request.stable, instance);
      log(
        `compatibility: stable ${request.stable.image} smoke on the new schema: ${smoke.passed ? 'passed' : 'FAILED'}`,
      );
      if (!smoke.passed)
        throw new SchemaIncompatibleError(
          request.stable.image,
          request.candidate.image,
          smoke.failures.length > 0 ? smoke.failures : ['the smoke run failed'],
          `stable instance log (tail):\n${instance.output().trim().split('\n').slice(-5).join('\n')}`,
        );
      return {
        scratchDatabase: scratch.name,
        rowsCopied: scratch.rowsCopied,
        migrateOutput,
        smokeOutput: smoke.output,
        durationMs: Date.now() - started,
      };
    } finally {
      await instance.stop();
    }
  } finally {
    await scratch
      .drop()
      .catch((error: Error) => log(`compatibility: dropping ${scratch.name} failed: ${error.message}`));
  }
}
