#!/usr/bin/env node
// Runs the CLI from its bundled build (dist/cli/, gitignored), building it first when it is
// missing or a source file changed (cli-build.mjs, build-stamp.cjs): starting plain JavaScript
// takes a tenth of what loading the TypeScript through tsx did, and the build's chunks run with
// V8's code cache (chunk-loader.cjs). CommonJS (bin/package.json), so that no start pays for
// Node's ESM loader. Runs in this process, so signals such as Ctrl-C reach `quickship up`
// directly and it can drain what it started.
// QUICKSHIP_FROM_SOURCE=1 runs the TypeScript through tsx instead (no build).
'use strict';
const { basename, dirname } = require('node:path');

async function start() {
  if (process.env.QUICKSHIP_FROM_SOURCE === '1') {
    const { register } = await import('tsx/esm/api');
    register();
    return (await import('../src/cli/main.ts')).main;
  }
  const entry = require('./build-stamp.cjs').currentBuild() ?? (await (await import('./cli-build.mjs')).build());
  // The build's identity (its dist/cli/build-… folder), for caches of whole answers keyed by the
  // code that computed them (src/cli/run/lint-cache.ts); absent when running from the sources.
  globalThis[Symbol.for('quickship.cliBuild')] = basename(dirname(entry));
  return require('./chunk-loader.cjs').loadBuild(entry).main;
}

start()
  .then((main) => main(process.argv))
  .then((code) => {
    process.exitCode = code;
  });
