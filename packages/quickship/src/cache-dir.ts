// Where quickship keeps caches that only save time (parse results keyed by content hash):
// $QUICKSHIP_CACHE_DIR, else $XDG_CACHE_HOME/quickship, else ~/.cache/quickship. Deleting it is
// always safe.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.QUICKSHIP_CACHE_DIR) return env.QUICKSHIP_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'quickship');
}

/** The SHA-256 of a text, hex: how the caches name their entries. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A cache entry's value, or undefined when there is none or it cannot be read. */
export function readCacheJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * Writes a cache entry whole or not at all (a temporary file renamed into place, so a concurrent
 * reader sees the entry or none); a cache that cannot be written (a read-only home) only costs time.
 */
export function writeCacheJson(path: string, value: unknown): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}`;
    writeFileSync(temporary, JSON.stringify(value));
    renameSync(temporary, path);
  } catch {
    // only slower next time
  }
}
