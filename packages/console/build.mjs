// Builds the console page with Vite into dist/ (gitignored) when it is missing or stale, and
// says where it is. Stale: a source file Vite read outside node_modules (the page's modules and
// the quickship core modules it shares, e.g. the verb rules) changed since the last build, or
// the installed packages did (node_modules/.package-lock.json). `node build.mjs` builds if
// stale; `node build.mjs --force` always builds. The engine runs it before serving the console.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = dirname(fileURLToPath(import.meta.url));
const rootDir = resolve(packageDir, '../..');
export const DIST_DIR = join(packageDir, 'dist');
const STAMP = join(DIST_DIR, 'stamp.json');

/** True when dist/ holds a build of the current sources. */
export function isCurrent() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return false;
  }
  for (const [file, mtimeMs] of Object.entries(stamp.inputs)) {
    try {
      if (statSync(file).mtimeMs !== mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

export async function build() {
  const { build: viteBuild } = await import('vite');
  const result = await viteBuild({
    root: packageDir,
    configFile: join(packageDir, 'vite.config.mjs'),
    logLevel: 'warn',
  });
  const outputs = Array.isArray(result) ? result : [result];
  const inputs = {};
  for (const output of outputs)
    for (const chunk of output.output ?? [])
      for (const id of chunk.moduleIds ?? []) {
        const file = id.split('?')[0];
        if (file.startsWith(sep) && !file.split(sep).includes('node_modules')) inputs[file] = statSync(file).mtimeMs;
      }
  for (const file of [
    join(packageDir, 'index.html'),
    join(packageDir, 'vite.config.mjs'),
    join(packageDir, 'src/style.css'),
    join(rootDir, 'node_modules/.package-lock.json'),
    fileURLToPath(import.meta.url),
  ])
    inputs[file] = statSync(file).mtimeMs;
  writeFileSync(STAMP, JSON.stringify({ builtAt: new Date().toISOString(), inputs }, null, 1));
  return DIST_DIR;
}

export async function ensureBuilt() {
  return isCurrent() ? DIST_DIR : build();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const force = process.argv.includes('--force');
  if (!force && isCurrent()) console.log(`console: ${DIST_DIR} is current`);
  else {
    await build();
    console.log(`console: built ${DIST_DIR} in ${Math.round(performance.now() - started)} ms`);
  }
}
