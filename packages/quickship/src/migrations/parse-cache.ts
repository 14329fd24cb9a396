// PostgreSQL's parse trees of migration files, kept on disk by the SHA-256 of the SQL and the
// parser's version, so `quickship lint` on unchanged migrations does not load and run the
// WebAssembly parser at all (about half of its start-up). The same text with the same parser
// gives the same tree, so a hit is exactly what parsing would return; a failed parse is never
// stored (it is parsed again and raises its error); an unreadable entry is parsed again.
// Folder: cache-dir.ts.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cacheDir } from '../cache-dir.ts';

export { cacheDir };

let parserVersion: string | undefined;
function version(): string {
  parserVersion ??= (createRequire(import.meta.url)('libpg-query/package.json') as { version: string }).version;
  return parserVersion;
}

function entryPath(sql: string): string {
  const key = createHash('sha256').update(sql).digest('hex');
  return join(cacheDir(), `pg-parse-${version()}`, `${key}.json`);
}

/** libpg-query's `parse(sql)`, from the cache when this text was parsed before by this parser version. */
export async function parseWithCache(sql: string): Promise<unknown> {
  const path = entryPath(sql);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    // not cached yet, or unreadable: parse
  }
  const { parse } = await import('libpg-query');
  const tree: unknown = await parse(sql);
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    const temporary = `${path}.${process.pid}`;
    writeFileSync(temporary, JSON.stringify(tree));
    renameSync(temporary, path); // a concurrent reader sees the whole entry or none
  } catch {
    // a read-only home: lint still works, only slower
  }
  return tree;
}
