// Cheap fingerprints of what the Git commands of a poll read, so that an idle poll starts no git
// process: GitSource re-runs `git rev-parse` only when the refs changed and `git status` only when
// the index or a file under the Application's path changed. A fingerprint is the names, sizes and
// mtimes (nanosecond clocks on ext4/xfs/btrfs) of the files involved, read in this process:
// - refs: the worktree's HEAD, packed-refs and every loose ref under refs/ (branches, tags, remotes);
// - a path's working-tree state: the index, the .gitignore files on the way down and every entry
//   under the path (an untracked file, an edit, a deletion all change it).
// When the repository's layout is not a plain one (no .git folder or gitdir file here), there is
// no fingerprint and git runs every time. Measured (bench/engine-idle.ts): an idle engine started
// ~10 git processes a second and used 27% of a core before this.
import { readdirSync, statSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GitDirs } from '../git-dirs.ts';

function describe(path: string, stats: Stats | undefined): string {
  return stats ? `${path}:${stats.mtimeMs}:${stats.size}:${stats.ino}` : `${path}:-`;
}

/** More entries than this under a path (an Application on the repository root, say): no fingerprint. */
const MAX_ENTRIES = 5000;

class TooManyEntries extends Error {}

/** Every entry under `dir` (recursively), described; a missing folder describes as missing. */
function walk(dir: string, out: string[]): void {
  if (out.length > MAX_ENTRIES) throw new TooManyEntries();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    out.push(`${dir}:-`);
    return;
  }
  names.sort();
  for (const name of names) {
    const path = join(dir, name);
    const stats = statSync(path, { throwIfNoEntry: false });
    out.push(describe(path, stats));
    if (stats?.isDirectory()) walk(path, out);
  }
}

/** What `git rev-parse <branch|tag|remote branch|HEAD>` reads. */
export function refsStamp(dirs: GitDirs): string {
  const out = [
    describe('HEAD', statSync(join(dirs.gitDir, 'HEAD'), { throwIfNoEntry: false })),
    describe('packed-refs', statSync(join(dirs.commonDir, 'packed-refs'), { throwIfNoEntry: false })),
  ];
  walk(join(dirs.commonDir, 'refs'), out);
  if (dirs.gitDir !== dirs.commonDir) walk(join(dirs.gitDir, 'refs'), out);
  return out.join('\n');
}

/**
 * What `git status -- <path>` reads: the index, the .gitignore files down to the path, the files
 * under it; undefined when the path holds more than MAX_ENTRIES (git is asked every time then).
 */
export function worktreeStamp(repoDir: string, dirs: GitDirs, path: string): string | undefined {
  const out = [describe('index', statSync(join(dirs.gitDir, 'index'), { throwIfNoEntry: false }))];
  out.push(describe('info/exclude', statSync(join(dirs.commonDir, 'info', 'exclude'), { throwIfNoEntry: false })));
  const target = join(repoDir, path);
  for (let dir = target; dir.startsWith(repoDir); dir = dirname(dir)) {
    out.push(describe(join(dir, '.gitignore'), statSync(join(dir, '.gitignore'), { throwIfNoEntry: false })));
    if (dir === repoDir) break;
  }
  out.push(describe(target, statSync(target, { throwIfNoEntry: false })));
  try {
    walk(target, out);
  } catch (error) {
    if (error instanceof TooManyEntries) return undefined;
    throw error;
  }
  return out.join('\n');
}
