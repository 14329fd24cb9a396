// Which CLI build is current (plain CommonJS: it runs before anything else at every start, and
// bin/quickship.js must not pay for Node's ESM loader).
//
// Freshness: the build (cli-build.mjs) records every source file esbuild read outside node_modules
// (this package's and the bundled workspace packages' TypeScript) with its mtime, plus
// node_modules/.package-lock.json (npm rewrites it on every install) for the bundled dependencies;
// this stats exactly those files. A new file only matters once an existing one imports it, which
// changes that file's mtime.
'use strict';
const { readFileSync, statSync } = require('node:fs');
const { join, resolve } = require('node:path');

const DIST_DIR = resolve(__dirname, '..', 'dist', 'cli');

/** The stamp file of the builds in `distDir`. */
function stampFile(distDir = DIST_DIR) {
  return join(distDir, 'stamp.json');
}

/**
 * The entry (main.cjs) of the current build in `distDir` (default dist/cli), or undefined when
 * there is none or a source changed since.
 */
function currentBuild(distDir = DIST_DIR) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile(distDir), 'utf8'));
  } catch {
    return undefined;
  }
  if (stamp.node !== process.version || typeof stamp.entry !== 'string') return undefined;
  for (const file of Object.keys(stamp.inputs)) {
    const stats = statSync(file, { throwIfNoEntry: false });
    if (stats === undefined || stats.mtimeMs !== stamp.inputs[file]) return undefined;
  }
  return join(distDir, stamp.dir, stamp.entry);
}

module.exports = { DIST_DIR, stampFile, currentBuild };
