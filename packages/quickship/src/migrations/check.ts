// The shell of the migration lint: read the working tree's migrations and the stable release's
// (Git), parse them with PostgreSQL's parser, lint. Used by `quickship lint` and `quickship release`.
import { UserError } from '../errors.ts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatViolation, lintMigrations, type MigrationLintResult } from './lint.ts';
import { parseMigration } from './parse.ts';
import { MIGRATIONS_PATH, migrationsAt, readReleasedMigrations } from './released.ts';

export interface MigrationCheckOptions {
  readonly repoDir: string;
  /** The images.json environment whose release commits define "released" (default eks). */
  readonly environment?: string;
  /** A commit to compare with instead of the newest release commit. */
  readonly since?: string;
}

export interface MigrationCheck extends MigrationLintResult {
  readonly releasedLabel: string;
}

/** The migration lint refused: one formatted violation per line group. */
export class UnsafeMigrationError extends UserError {
  override readonly fix =
    'make each step safe for the revision that keeps serving (the `instead:` lines; services/payments/migrations/README.md), then lint again';
  constructor(readonly check: MigrationCheck) {
    const n = check.violations.length;
    super(
      `${n} unsafe migration step${n === 1 ? '' : 's'} (compared with ${check.releasedLabel}):\n` +
        check.violations.map(formatViolation).join('\n'),
    );
    this.name = 'UnsafeMigrationError';
  }
}

export async function checkMigrations(options: MigrationCheckOptions): Promise<MigrationCheck> {
  const dir = join(options.repoDir, MIGRATIONS_PATH);
  // Git (the release commit, its migrations) and PostgreSQL's parser (WebAssembly) run side by
  // side: at a CLI's start-up the one waits on child processes while the other computes.
  const releasedPromise = readReleasedMigrations(options.repoDir, {
    environment: options.environment ?? 'eks',
    since: options.since,
  });
  const names = existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => name.endsWith('.sql'))
        .sort()
    : [];
  const parsed = Promise.all(names.map((name) => parseMigration(name, readFileSync(join(dir, name), 'utf8'))));
  const [released, files] = await Promise.all([releasedPromise, parsed]);
  if (!existsSync(dir)) return { checked: [], violations: [], releasedLabel: released.label };
  return { ...lintMigrations(files, released), releasedLabel: released.label };
}

/** Throws UnsafeMigrationError when a new migration breaks a rule. */
export async function assertSafeMigrations(options: MigrationCheckOptions): Promise<MigrationCheck> {
  const result = await checkMigrations(options);
  if (result.violations.length > 0) throw new UnsafeMigrationError(result);
  return result;
}

/**
 * The sync's lint: the candidate build's migrations (Git, at the commit it was built from) against
 * the stable build's (at its commit) — in the sync, "released" is what the stable revision runs,
 * which is the newest release commit's migrations whenever releases go through `quickship release`.
 */
export async function assertSafeBuild(options: {
  readonly repoDir: string;
  readonly candidateCommit: string;
  readonly stableCommit: string;
  readonly stableLabel: string;
}): Promise<MigrationCheck> {
  const [candidate, stable] = await Promise.all([
    migrationsAt(options.repoDir, options.candidateCommit),
    migrationsAt(options.repoDir, options.stableCommit),
  ]);
  const files = await Promise.all(
    [...candidate.keys()].sort().map((name) => parseMigration(name, candidate.get(name)!)),
  );
  const released = { label: options.stableLabel, files: stable };
  const result = { ...lintMigrations(files, released), releasedLabel: released.label };
  if (result.violations.length > 0) throw new UnsafeMigrationError(result);
  return result;
}
