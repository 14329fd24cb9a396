// PostgreSQL's parse trees of migration files, kept on disk by the SQL text and the parser's
// version (cache-dir.ts), so `quickship lint` on unchanged migrations does not load and run the
// WebAssembly parser at all (about half of its start-up). The same text with the same parser
// gives the same tree, so a hit is exactly what parsing would return; a failed parse is never
// stored (it is parsed again and raises its error); an unreadable entry is parsed again.
// Folder: cache-dir.ts.
import { join } from 'node:path';
import { cacheDir, readCacheEntry, writeCacheEntry } from '../cache-dir.ts';
import { parserVersion } from '../parser-versions.ts';

export { cacheDir };

function folder(): string {
  return join(cacheDir(), `pg-parse-${parserVersion('libpg-query')}`);
}

/** libpg-query's `parse(sql)`, from the cache when this text was parsed before by this parser version. */
export async function parseWithCache(sql: string): Promise<unknown> {
  const cached = readCacheEntry<unknown>(folder(), sql); // not cached yet, or unreadable: parse
  if (cached !== undefined) return cached;
  const { parse } = await import('libpg-query');
  const tree: unknown = await parse(sql);
  writeCacheEntry(folder(), sql, tree);
  return tree;
}
