// Where a working tree's Git data is, read from its `.git` (a folder, or the `gitdir:` file of a
// linked worktree or submodule) without running git: used by the GitOps poll's fingerprints
// (gitops/git-stamp.ts) and by the lint's HEAD lookup (migrations/release-cache.ts).
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

export interface GitDirs {
  /** The worktree's git folder (HEAD, index). */
  readonly gitDir: string;
  /** The shared one (refs, packed-refs): gitDir itself unless this is a linked worktree. */
  readonly commonDir: string;
}

/** The git folders of a working tree, read from `.git` (a folder, or a `gitdir:` file); undefined otherwise. */
export function gitDirs(repoDir: string): GitDirs | undefined {
  const dotGit = join(repoDir, '.git');
  let gitDir = dotGit;
  const stats = statSync(dotGit, { throwIfNoEntry: false });
  if (!stats) return undefined;
  if (stats.isFile()) {
    const pointer = /^gitdir: (.+)$/m.exec(readText(dotGit) ?? '')?.[1]?.trim();
    if (!pointer) return undefined;
    gitDir = isAbsolute(pointer) ? pointer : join(repoDir, pointer);
  }
  const common = readText(join(gitDir, 'commondir'))?.trim();
  return { gitDir, commonDir: common ? (isAbsolute(common) ? common : join(gitDir, common)) : gitDir };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
