// Where quickship keeps caches that only save time (parse results, lint answers): $QUICKSHIP_CACHE_DIR,
// else $XDG_CACHE_HOME/quickship, else ~/.cache/quickship. Deleting it is always safe.
//
// An entry is named by a fast 64-bit hash of its key (FNV-1a) and holds the whole key beside the
// value; a read compares the key, so two keys that share a name are a miss, never a wrong answer.
// No cryptographic hash is needed for that, and node:crypto is not loaded: it costs 7–10 ms of a
// CLI's start-up on these machines (bench:cli-startup).
//
// Each folder holds at most MAX_ENTRIES entries: a write that adds one past that removes the
// oldest written (by mtime) down to KEEP_ENTRIES, so edits, new builds and other repositories
// never grow the cache without bound (an entry of `quickship lint`'s answers is ~50 KB).
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.QUICKSHIP_CACHE_DIR) return env.QUICKSHIP_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'quickship');
}

/** FNV-1a over the UTF-16 code units, two 32-bit lanes (different offsets): 16 hex digits. */
export function entryName(key: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** The file of `key`'s entry in a cache folder. */
export function entryPath(folder: string, key: string): string {
  return join(folder, `${entryName(key)}.json`);
}

interface Entry<T> {
  readonly key: string;
  readonly value: T;
}

/** Entries a folder may hold; a write past it prunes the oldest down to KEEP_ENTRIES. */
export const MAX_ENTRIES = 256;
export const KEEP_ENTRIES = 192;

/**
 * The value kept for `key`, or undefined when there is none, it is another key's, or it cannot be
 * read. `path` is entryPath(folder, key), when the caller has it already (a long key is hashed once).
 */
export function readCacheEntry<T>(folder: string, key: string, path = entryPath(folder, key)): T | undefined {
  try {
    const entry = JSON.parse(readFileSync(path, 'utf8')) as Entry<T>;
    return entry.key === key ? entry.value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keeps `value` for `key`, whole or not at all (a temporary file renamed into place, so a concurrent
 * reader sees the entry or none); a cache that cannot be written (a read-only home) only costs time.
 */
export function writeCacheEntry(folder: string, key: string, value: unknown, path = entryPath(folder, key)): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}`;
    writeFileSync(temporary, JSON.stringify({ key, value } satisfies Entry<unknown>));
    renameSync(temporary, path);
    pruneCacheFolder(dirname(path));
  } catch {
    // only slower next time
  }
}

/** Removes the oldest entries of a folder holding more than MAX_ENTRIES, down to KEEP_ENTRIES. */
export function pruneCacheFolder(folder: string): void {
  const names = readdirSync(folder);
  if (names.length <= MAX_ENTRIES) return;
  const written = (name: string): number => statSync(join(folder, name), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const oldestFirst = names.map((name) => ({ name, at: written(name) })).sort((a, b) => a.at - b.at);
  for (const { name } of oldestFirst.slice(0, names.length - KEEP_ENTRIES)) rmSync(join(folder, name), { force: true });
}
