// The parse cache returns exactly what the parser returns, skips the parser on a hit, never keeps
// a failed parse, and re-parses an unreadable entry.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'libpg-query';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheDir, parseWithCache } from './parse-cache.ts';
import { MigrationSyntaxError, parseMigration } from './parse.ts';

let dir: string;
const saved = process.env.QUICKSHIP_CACHE_DIR;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'quickship-cache-'));
  process.env.QUICKSHIP_CACHE_DIR = dir;
});
afterEach(() => {
  if (saved === undefined) delete process.env.QUICKSHIP_CACHE_DIR;
  else process.env.QUICKSHIP_CACHE_DIR = saved;
  rmSync(dir, { recursive: true, force: true });
});

const entries = (): string[] =>
  readdirSync(dir).flatMap((sub) => readdirSync(join(dir, sub)).map((f) => join(dir, sub, f)));

describe('parseWithCache', () => {
  it('returns the parser’s tree, stores it, and serves the same tree from the entry', async () => {
    const sql = 'ALTER TABLE payments ADD COLUMN note text;';
    const first = await parseWithCache(sql);
    expect(first).toEqual(await parse(sql));
    const [entry] = entries();
    expect(entry).toMatch(/pg-parse-15\.\d+\.\d+\/[0-9a-f]{16}\.json$/);
    // A hit is read from the entry: overwrite it and the overwritten tree comes back.
    writeFileSync(entry!, JSON.stringify({ key: sql, value: { stmts: [], marker: 'from the cache' } }));
    expect(await parseWithCache(sql)).toEqual({ stmts: [], marker: 'from the cache' });
  });

  it('re-parses an unreadable entry and never stores a failed parse', async () => {
    const sql = 'CREATE INDEX CONCURRENTLY payments_note ON payments (note);';
    await parseWithCache(sql);
    writeFileSync(entries()[0]!, '{ not json');
    expect(await parseWithCache(sql)).toEqual(await parse(sql));
    rmSync(dir, { recursive: true, force: true });
    await expect(parseMigration('0002_bad.sql', 'ALTER TABLE payments ADD COLUMN;')).rejects.toThrow(
      MigrationSyntaxError,
    );
    expect(existsSync(dir) ? entries() : []).toEqual([]);
  });

  it('lives in $QUICKSHIP_CACHE_DIR, else $XDG_CACHE_HOME/quickship, else ~/.cache/quickship', () => {
    expect(cacheDir({ QUICKSHIP_CACHE_DIR: '/c' })).toBe('/c');
    expect(cacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/quickship');
    expect(cacheDir({})).toMatch(/\.cache\/quickship$/);
  });
});
