// The caches' entries (cache-dir.ts): a value comes back only for the very key it was kept under.
import { copyFileSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { entryName, entryPath, KEEP_ENTRIES, MAX_ENTRIES, readCacheEntry, writeCacheEntry } from './cache-dir.ts';

let folder: string | undefined;
afterEach(() => folder && rmSync(folder, { recursive: true, force: true }));

describe('cache entries', () => {
  it('round-trips a value under its key, in a folder made on demand', () => {
    folder = join(mkdtempSync(join(tmpdir(), 'quickship-cache-')), 'nested');
    writeCacheEntry(folder, 'kind: Rollout\n', [{ kind: 'Rollout' }]);
    expect(readCacheEntry(folder, 'kind: Rollout\n')).toEqual([{ kind: 'Rollout' }]);
    expect(readCacheEntry(folder, 'kind: Service\n')).toBeUndefined();
  });

  it("never returns another key's value, even from the file its name points at", () => {
    folder = mkdtempSync(join(tmpdir(), 'quickship-cache-'));
    writeCacheEntry(folder, 'a', 'value of a');
    // A name collision, made by hand: b's file holds a's entry.
    copyFileSync(entryPath(folder, 'a'), entryPath(folder, 'b'));
    expect(readCacheEntry(folder, 'b')).toBeUndefined();
    expect(readCacheEntry(folder, 'a')).toBe('value of a');
  });

  it('treats an unreadable or old-format entry as a miss', () => {
    folder = mkdtempSync(join(tmpdir(), 'quickship-cache-'));
    writeFileSync(entryPath(folder, 'x'), '{"truncated');
    expect(readCacheEntry(folder, 'x')).toBeUndefined();
    writeFileSync(entryPath(folder, 'y'), JSON.stringify([{ kind: 'Rollout' }]));
    expect(readCacheEntry(folder, 'y')).toBeUndefined();
  });

  it('names differ for near keys (16 hex digits)', () => {
    const names = new Set(['', 'a', 'b', 'ab', 'ba', 'kind: Rollout', 'kind: Rollout ', 'é'].map(entryName));
    expect(names.size).toBe(8);
    for (const name of names) expect(name).toMatch(/^[0-9a-f]{16}$/);
  });

  it('keeps a folder bounded: a write past MAX_ENTRIES removes the oldest written, down to KEEP_ENTRIES', () => {
    folder = mkdtempSync(join(tmpdir(), 'quickship-cache-'));
    const start = Date.now() / 1000 - 10_000;
    for (let i = 0; i < MAX_ENTRIES; i++) {
      writeCacheEntry(folder, `key ${i}`, i);
      utimesSync(entryPath(folder, `key ${i}`), start + i, start + i); // written in this order
    }
    expect(readdirSync(folder)).toHaveLength(MAX_ENTRIES);
    writeCacheEntry(folder, 'one more', 'newest');
    expect(readdirSync(folder)).toHaveLength(KEEP_ENTRIES);
    expect(readCacheEntry(folder, 'one more')).toBe('newest');
    const removed = MAX_ENTRIES + 1 - KEEP_ENTRIES;
    expect(readCacheEntry(folder, `key ${removed - 1}`)).toBeUndefined();
    expect(readCacheEntry(folder, `key ${removed}`)).toBe(removed);
    expect(readCacheEntry(folder, `key ${MAX_ENTRIES - 1}`)).toBe(MAX_ENTRIES - 1);
  });
});
