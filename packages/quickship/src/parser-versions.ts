// The versions of the parsers whose output quickship caches on disk (the YAML parse cache,
// cli/run/manifest-cache.ts; PostgreSQL's parse trees, migrations/parse-cache.ts): a cache entry
// is only valid for the parser that made it.
//
// The CLI build fixes them at build time (cli-build.mjs defines QUICKSHIP_YAML_VERSION and
// QUICKSHIP_LIBPG_QUERY_VERSION from the installed packages: yaml is bundled into the build, libpg-query is loaded from node_modules and a
// new install rebuilds). So a start-up resolves no package to learn them: the first package
// resolution of a process costs 3–6 ms on these machines, most of a cached lint's parse step
// (bench:cli-startup). From the TypeScript sources (tests, tsx) they are read from the installed
// packages.
import { createRequire } from 'node:module';

export type CachedParser = 'yaml' | 'libpg-query';

declare const QUICKSHIP_YAML_VERSION: string | undefined;
declare const QUICKSHIP_LIBPG_QUERY_VERSION: string | undefined;

const known = new Map<CachedParser, string>();

/** The version of `parser` this code runs with. */
export function parserVersion(parser: CachedParser): string {
  // Each name stands alone so that the build can replace it by a string literal.
  if (parser === 'yaml' && typeof QUICKSHIP_YAML_VERSION === 'string') return QUICKSHIP_YAML_VERSION;
  if (parser === 'libpg-query' && typeof QUICKSHIP_LIBPG_QUERY_VERSION === 'string')
    return QUICKSHIP_LIBPG_QUERY_VERSION;
  let version = known.get(parser);
  if (version === undefined) {
    version = (createRequire(import.meta.url)(`${parser}/package.json`) as { version: string }).version;
    known.set(parser, version);
  }
  return version;
}
