// The released migrations `quickship lint` compares against, kept on disk by the commit HEAD
// points at: the newest release commit reachable from a commit, and the migration files in a
// commit's tree, never change for that commit, so a hit is exactly what Git would answer. HEAD is
// read from the repository's files (HEAD, the ref it names, packed-refs; a worktree's `.git` file
// and `commondir`), which costs no child process; when that does not resolve to a commit hash,
// the cache is skipped and Git answers. An unreadable entry is looked up again. Folder: cache-dir.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, readCacheEntry, writeCacheEntry } from '../cache-dir.ts';
import { gitDirs } from '../git-dirs.ts';
import type { ReleasedMigrations } from './lint.ts';

const HASH = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The commit HEAD points at, read from the repository's files; undefined when that is not plain. */
export function headCommit(repoDir: string): string | undefined {
  const dirs = gitDirs(repoDir);
  if (!dirs) return undefined;
  const { gitDir, commonDir } = dirs;
  const head = read(join(gitDir, 'HEAD'));
  if (!head) return undefined;
  if (HASH.test(head)) return head;
  const ref = /^ref: (refs\/\S+)$/.exec(head)?.[1];
  if (!ref) return undefined;
  for (const dir of [gitDir, commonDir]) {
    const loose = read(join(dir, ref));
    if (loose !== undefined) return HASH.test(loose) ? loose : undefined;
  }
  const packed = read(join(commonDir, 'packed-refs'));
  const line = packed?.split('\n').find((l) => l.endsWith(` ${ref}`));
  const hash = line?.split(' ')[0];
  return hash && HASH.test(hash) ? hash : undefined;
}

interface Entry {
  readonly label: string;
  readonly files: [string, string][];
}

/** `lookup()` (Git), or its earlier answer for the same HEAD commit and environment. */
export async function releasedAtHead(
  repoDir: string,
  environment: string,
  lookup: () => Promise<ReleasedMigrations>,
): Promise<ReleasedMigrations> {
  const head = headCommit(repoDir);
  if (!head) return lookup();
  const folder = join(cacheDir(), 'released-migrations');
  const key = JSON.stringify({ head, environment });
  const entry = readCacheEntry<Entry>(folder, key); // not cached yet, or unreadable: ask Git
  if (entry) return { label: entry.label, files: new Map(entry.files) };
  const released = await lookup();
  writeCacheEntry(folder, key, { label: released.label, files: [...released.files] } satisfies Entry);
  return released;
}
