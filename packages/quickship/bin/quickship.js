#!/usr/bin/env node
// Runs the CLI from its bundled ESM build (dist/cli/, gitignored), building it first when it is
// missing or a source file changed (bin/cli-build.mjs): starting plain JavaScript takes a tenth of
// what loading the TypeScript through tsx did. Runs in this process, so signals such as Ctrl-C
// reach `quickship up` directly and it can drain what it started.
// QUICKSHIP_FROM_SOURCE=1 runs the TypeScript through tsx instead (no build).
import { pathToFileURL } from 'node:url';
import { build, currentBuild } from './cli-build.mjs';

let main;
if (process.env.QUICKSHIP_FROM_SOURCE === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
} else {
  ({ main } = await import(pathToFileURL(currentBuild() ?? (await build())).href));
}
process.exitCode = await main(process.argv);
