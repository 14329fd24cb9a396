// Writes a release's files all or nothing: the new contents are staged in a temporary folder
// inside the repository (same filesystem, so rename is atomic per file), originals are moved
// aside, and any failure — including a failed commit afterwards — puts every original back.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

/** A repository-relative path and its new content; `undefined` deletes the file. */
export type FileChange = readonly [path: string, content: string | undefined];

/** The changes that make the disk match `wanted`; files under `ownedDirs` that `wanted` lacks are deleted. */
export async function diffTree(
  repoDir: string,
  ownedDirs: readonly string[],
  wanted: ReadonlyMap<string, string>,
): Promise<FileChange[]> {
  const changes: FileChange[] = [];
  const onDisk = new Set<string>();
  for (const dir of ownedDirs) for (const file of await listFiles(repoDir, dir)) onDisk.add(file);
  for (const [path, content] of wanted) {
    const current = existsSync(join(repoDir, path)) ? await readFile(join(repoDir, path), 'utf8') : undefined;
    if (current !== content) changes.push([path, content]);
    onDisk.delete(path);
  }
  for (const stale of onDisk) changes.push([stale, undefined]);
  return changes.sort(([a], [b]) => a.localeCompare(b));
}

export interface AppliedChanges {
  /** Puts every original back (after a failed commit). */
  rollback(): Promise<void>;
  /** Drops the originals (after a successful commit, or when not committing). */
  finish(): Promise<void>;
}

export async function applyChanges(repoDir: string, changes: readonly FileChange[]): Promise<AppliedChanges> {
  const workRoot = join(repoDir, '.quickship', 'release');
  await mkdir(workRoot, { recursive: true });
  const work = await mkdtemp(join(workRoot, 'txn-'));
  const staged = join(work, 'new');
  const originals = join(work, 'old');
  const done: { path: string; hadOriginal: boolean }[] = [];

  const rollback = async (): Promise<void> => {
    for (const { path, hadOriginal } of done.reverse()) {
      await rm(join(repoDir, path), { force: true });
      if (hadOriginal) await rename(join(originals, path), join(repoDir, path));
    }
    done.length = 0;
    await rm(work, { recursive: true, force: true });
  };

  try {
    // Everything is written before anything is replaced: a full disk fails here, harmlessly.
    for (const [path, content] of changes) {
      if (content === undefined) continue;
      await mkdir(dirname(join(staged, path)), { recursive: true });
      await writeFile(join(staged, path), content);
    }
    for (const [path, content] of changes) {
      const target = join(repoDir, path);
      const hadOriginal = existsSync(target);
      if (hadOriginal) {
        await mkdir(dirname(join(originals, path)), { recursive: true });
        await rename(target, join(originals, path));
      }
      done.push({ path, hadOriginal });
      if (content !== undefined) {
        await mkdir(dirname(target), { recursive: true });
        await rename(join(staged, path), target);
      }
    }
  } catch (error) {
    await rollback();
    throw error;
  }
  return { rollback, finish: () => rm(work, { recursive: true, force: true }) };
}

async function listFiles(repoDir: string, dir: string): Promise<string[]> {
  const root = join(repoDir, dir);
  if (!existsSync(root)) return [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(repoDir, join(entry.parentPath, entry.name)));
}
