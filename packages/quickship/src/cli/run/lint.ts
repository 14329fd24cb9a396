// `quickship lint`: what it does once its options are parsed (loaded on demand by commands/lint.ts):
// the Rollout lint, then (not with -f) the migration lint (src/migrations): every migration newer
// than the stable release, parsed by PostgreSQL's parser, against the expand/contract rules.
import { relative, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
// Not the core barrel (it loads the YAML library): lint parses through the cache, which loads it on a miss only.
import { lintManifests } from '../../core/lint.ts';
import type { ManifestDocument } from '../../core/manifest-documents.ts';
import { readDeployDir } from '../../engine/deploy-source.ts';
import { checkMigrations, formatViolation } from '../../migrations/index.ts';
import { UserError } from '../errors.ts';
import { splitManifestsCached } from './manifest-cache.ts';
import { DEFAULT_DEPLOY_DIR, repoRoot } from '../repo.ts';

export interface LintOptions {
  readonly file?: string[];
  readonly dir?: string;
  readonly repo?: string;
  readonly env: string;
  readonly since?: string;
  readonly migrations: boolean;
}

async function readFiles(files: readonly string[]): Promise<ManifestDocument[]> {
  const docs = files.map(async (file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UserError(
        `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        'pass an existing manifest file to -f',
      );
    }
    return splitManifestsCached(text, file);
  });
  return (await Promise.all(docs)).flat();
}

async function readFolder(dir: string): Promise<ManifestDocument[]> {
  const shown = relative(process.cwd(), dir) || '.';
  const docs = await Promise.all(readDeployDir(dir).map((f) => splitManifestsCached(f.text, `${shown}/${f.file}`)));
  return docs.flat();
}

async function lintMigrationFiles(pending: ReturnType<typeof checkMigrations>): Promise<void> {
  const check = await pending;
  for (const violation of check.violations) console.error(formatViolation(violation));
  const n = check.violations.length;
  if (n > 0)
    throw new UserError(
      `${n} unsafe migration step${n === 1 ? '' : 's'} in ${check.checked.join(', ')} (compared with ${check.releasedLabel})`,
      'follow the `instead:` lines (services/payments/migrations/README.md) and run `quickship lint` again',
    );
  console.log(
    `migrations: ${check.checked.length === 0 ? 'none newer than' : `${check.checked.join(', ')} checked against`} ${check.releasedLabel}, no unsafe step`,
  );
}

export async function runLint(options: LintOptions): Promise<void> {
  // `-f` is `kubectl argo rollouts lint -f`: those files only; the repository's migrations go with
  // its deploy/. Their check starts first: its git child process runs while the manifests are linted.
  const migrations =
    options.migrations && !options.file
      ? checkMigrations({ repoDir: repoRoot(options.repo), environment: options.env, since: options.since })
      : undefined;
  migrations?.catch(() => undefined); // awaited below; a manifest error may throw first
  const docs = await (options.file
    ? readFiles(options.file)
    : readFolder(resolve(repoRoot(options.repo), options.dir ?? DEFAULT_DEPLOY_DIR)));
  // A single file is checked against the Services it holds, as upstream does; deploy/ must hold both blue/green Services.
  const result = lintManifests(docs, { requireBlueGreenServices: !options.file });
  for (const error of result.errors) console.error(`${error.file}: ${error.message}`);
  if (result.errors.length > 0) {
    const n = result.errors.length;
    throw new UserError(
      `${n} lint error${n === 1 ? '' : 's'} in ${result.rollouts.length} Rollout${result.rollouts.length === 1 ? '' : 's'}`,
      'fix the fields named above and run `quickship lint` again',
    );
  }
  const where = options.file ? options.file.join(', ') : (options.dir ?? DEFAULT_DEPLOY_DIR);
  console.log(
    `${where}: ${result.rollouts.length} Rollout${result.rollouts.length === 1 ? '' : 's'} (${result.rollouts.join(', ') || 'none'}), no errors`,
  );
  if (migrations) await lintMigrationFiles(migrations);
}
