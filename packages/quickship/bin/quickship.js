#!/usr/bin/env node
// Runs the CLI from its bundled ESM build (dist/cli/, gitignored), building it first when it is
// missing or a source file changed (bin/cli-build.mjs): starting plain JavaScript takes a tenth of
// what loading the TypeScript through tsx did. Runs in this process, so signals such as Ctrl-C
// reach `quickship up` directly and it can drain what it started.
// QUICKSHIP_FROM_SOURCE=1 runs the TypeScript through tsx instead (no build).
import { basename, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, currentBuild } from './cli-build.mjs';

let main;
if (process.env.QUICKSHIP_FROM_SOURCE === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
} else {
  const entry = currentBuild() ?? (await build());
  // The build's identity (its dist/cli/build-… folder), for caches of whole answers keyed by the
  // code that computed them (src/cli/run/lint-cache.ts); absent when running from the sources.
  globalThis[Symbol.for('quickship.cliBuild')] = basename(dirname(entry));
  ({ main } = await import(pathToFileURL(entry).href));
}
process.exitCode = await main(process.argv);
