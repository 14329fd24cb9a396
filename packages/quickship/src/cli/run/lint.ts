// `quickship lint`: what it does once its options are parsed (loaded on demand by commands/lint.ts):
// the Rollout lint, then (not with -f) the migration lint (src/migrations): every migration newer
// than the stable release, parsed by PostgreSQL's parser, against the expand/contract rules.
// The whole answer is cached by its inputs (lint-cache.ts): a repeat over unchanged files prints
// the same lines without loading the linters; they are imported only when there is linting to do.
import { relative, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { readDeployDir } from '../../engine/deploy-source.ts';
import type { checkMigrations } from '../../migrations/check.ts';
import { UserError } from '../errors.ts';
import { lintKey, readLintRecord, writeLintRecord, type LintRecord } from './lint-cache.ts';
import { splitManifestsCached } from './manifest-cache.ts';
import { DEFAULT_DEPLOY_DIR, repoRoot } from '../repo.ts';
import { printLine, printErrorLine } from '../output.ts';

export interface LintOptions {
  readonly file?: string[];
  readonly dir?: string;
  readonly repo?: string;
  readonly env: string;
  readonly since?: string;
  readonly migrations: boolean;
  /** false with --no-cache: lint even when the answer is cached (a fresh answer is still kept). */
  readonly cache?: boolean;
}

/** A manifest file as the lint reads it once: the name it prints, and its text. */
interface ManifestFile {
  readonly name: string;
  readonly text: string;
}

function readFiles(files: readonly string[]): ManifestFile[] {
  return files.map((file) => {
    try {
      return { name: file, text: readFileSync(file, 'utf8') };
    } catch (error) {
      throw new UserError(
        `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        'pass an existing manifest file to -f',
      );
    }
  });
}

function readFolder(dir: string): ManifestFile[] {
  const shown = relative(process.cwd(), dir) || '.';
  return readDeployDir(dir).map((f) => ({ name: `${shown}/${f.file}`, text: f.text }));
}

/** The lint's own verdict (errors found): deterministic for its inputs, so it is cached. */
class LintVerdict extends UserError {}

/** What the lint prints, in order: `err` lines go to stderr, the rest to stdout. */
interface Report {
  readonly lines: { readonly err?: true; readonly text: string }[];
}

async function lintMigrationFiles(pending: ReturnType<typeof checkMigrations>, report: Report): Promise<void> {
  const check = await pending;
  const { formatViolation } = await import('../../migrations/lint.ts');
  for (const violation of check.violations) report.lines.push({ err: true, text: formatViolation(violation) });
  const n = check.violations.length;
  if (n > 0)
    throw new LintVerdict(
      `${n} unsafe migration step${n === 1 ? '' : 's'} in ${check.checked.join(', ')} (compared with ${check.releasedLabel})`,
      'follow the `instead:` lines (services/payments/migrations/README.md) and run `quickship lint` again',
    );
  report.lines.push({
    text: `migrations: ${check.checked.length === 0 ? 'none newer than' : `${check.checked.join(', ')} checked against`} ${check.releasedLabel}, no unsafe step`,
  });
}

export async function runLint(options: LintOptions): Promise<void> {
  const repoDir = repoRoot(options.repo);
  const migrations = options.migrations && !options.file;
  const files = options.file
    ? readFiles(options.file)
    : readFolder(resolve(repoDir, options.dir ?? DEFAULT_DEPLOY_DIR));
  const key = lintKey({
    options: { ...options, cache: undefined },
    files,
    repoDir,
    migrations,
    ...(options.since ? { since: options.since } : {}),
  });
  const cached = key && options.cache !== false ? readLintRecord(key) : undefined;
  if (cached) return replay(cached);
  const report: Report = { lines: [] };
  try {
    await lintNow(options, repoDir, files, report);
  } catch (error) {
    if (!(error instanceof LintVerdict)) {
      replay(report);
      throw error;
    }
    const record: LintRecord = {
      ...report,
      failed: { message: error.message, ...(error.fix !== undefined ? { fix: error.fix } : {}) },
    };
    if (key) writeLintRecord(key, record);
    return replay(record);
  }
  if (key) writeLintRecord(key, report);
  replay(report);
}

/** Prints a lint's lines in order (errors to stderr) and ends as it ended. */
function replay(record: LintRecord): void {
  for (const line of record.lines) (line.err ? printErrorLine : printLine)(line.text);
  if (record.failed) throw new UserError(record.failed.message, record.failed.fix);
}

async function lintNow(
  options: LintOptions,
  repoDir: string,
  files: readonly ManifestFile[],
  report: Report,
): Promise<void> {
  // `-f` is `kubectl argo rollouts lint -f`: those files only; the repository's migrations go with
  // its deploy/. Their check starts first: its git child process runs while the manifests are linted.
  const { checkMigrations } = await import('../../migrations/check.ts');
  const migrations =
    options.migrations && !options.file
      ? checkMigrations({ repoDir, environment: options.env, since: options.since })
      : undefined;
  migrations?.catch(() => undefined); // awaited below; a manifest error may throw first
  const { lintManifests } = await import('../../core/lint.ts');
  const docs = (await Promise.all(files.map((f) => splitManifestsCached(f.text, f.name)))).flat();
  // A single file is checked against the Services it holds, as upstream does; deploy/ must hold both blue/green Services.
  const result = lintManifests(docs, { requireBlueGreenServices: !options.file });
  for (const error of result.errors) report.lines.push({ err: true, text: `${error.file}: ${error.message}` });
  if (result.errors.length > 0) {
    const n = result.errors.length;
    throw new LintVerdict(
      `${n} lint error${n === 1 ? '' : 's'} in ${result.rollouts.length} Rollout${result.rollouts.length === 1 ? '' : 's'}`,
      'fix the fields named above and run `quickship lint` again',
    );
  }
  const where = options.file ? options.file.join(', ') : (options.dir ?? DEFAULT_DEPLOY_DIR);
  report.lines.push({
    text: `${where}: ${result.rollouts.length} Rollout${result.rollouts.length === 1 ? '' : 's'} (${result.rollouts.join(', ') || 'none'}), no errors`,
  });
  if (migrations) await lintMigrationFiles(migrations, report);
}
