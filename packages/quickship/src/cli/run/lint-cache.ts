// `quickship lint`'s whole answer — the lines it printed and its verdict — kept by everything the
// answer depends on (the entry holds that key whole and a read compares it; cache-dir.ts), as
// `eslint --cache` keeps its results: the CLI build that linted (its dist/cli/build-… folder: a new
// build, a new `npm ci` or another Node is another key), the working directory (printed paths are
// relative to it), the options, the name and content of every manifest file read, and for the
// migration lint the name and content of every migration plus the HEAD commit the released
// migrations are looked up from. A hit prints the same lines and exits the same way without loading
// the linters at all; a run that failed for another reason than the lint's own verdict (Git
// missing, a bug) is never kept. Not cached: `--since` (resolved by Git), running from the
// TypeScript sources, a HEAD that is not a plain commit.
// Folder: cache-dir.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, entryPath, readCacheEntry, writeCacheEntry } from '../../cache-dir.ts';
import { MIGRATIONS_PATH } from '../../migrations/paths.ts';
import { headCommit } from '../../migrations/release-cache.ts';

/** What one lint printed and how it ended. */
export interface LintRecord {
  /** In order; `err` lines went to stderr. */
  readonly lines: readonly { readonly err?: true; readonly text: string }[];
  /** The lint's verdict when it found errors: the UserError's message and fix. */
  readonly failed?: { readonly message: string; readonly fix?: string };
}

export interface LintInputs {
  readonly options: unknown;
  /** The manifest files as the lint read them: the name it prints, and the text. */
  readonly files: readonly { readonly name: string; readonly text: string }[];
  readonly repoDir: string;
  readonly migrations: boolean;
  readonly since?: string;
}

/** The build this code runs from, as bin/quickship.js recorded it (undefined when running from the sources). */
function buildId(): string | undefined {
  const id: unknown = (globalThis as Record<symbol, unknown>)[Symbol.for('quickship.cliBuild')];
  return typeof id === 'string' && /^build-/.test(id) ? id : undefined;
}

/** The key of a lint over these inputs, or undefined when it cannot be cached. */
export function lintKey(inputs: LintInputs): string | undefined {
  const build = buildId();
  if (!build || inputs.since) return undefined;
  try {
    const files = inputs.files.map((file) => [file.name, file.text] as const);
    let migrations: { head: string; files: (readonly [string, string])[] } | null = null;
    if (inputs.migrations) {
      const head = headCommit(inputs.repoDir);
      if (!head) return undefined;
      const dir = join(inputs.repoDir, MIGRATIONS_PATH);
      const names = existsSync(dir)
        ? readdirSync(dir)
            .filter((n) => n.endsWith('.sql'))
            .sort()
        : [];
      migrations = { head, files: names.map((n) => [n, readFileSync(join(dir, n), 'utf8')] as const) };
    }
    return JSON.stringify({
      build,
      node: process.version,
      cwd: process.cwd(),
      options: inputs.options,
      files,
      migrations,
    });
  } catch {
    return undefined; // an unreadable input: lint it and let it say what is wrong
  }
}

function folder(): string {
  return join(cacheDir(), 'lint-results');
}

// The key holds every input file whole (~70 KB for deploy/): its entry's name is hashed once per run.
const paths = new Map<string, string>();
function pathOf(key: string): string {
  let path = paths.get(key);
  if (path === undefined) paths.set(key, (path = entryPath(folder(), key)));
  return path;
}

export function readLintRecord(key: string): LintRecord | undefined {
  return readCacheEntry<LintRecord>(folder(), key, pathOf(key));
}

export function writeLintRecord(key: string, record: LintRecord): void {
  writeCacheEntry(folder(), key, record, pathOf(key));
}
