// Builds the CLI into dist/cli/ (ESM, bundled with esbuild, one chunk per lazily imported module)
// and tells whether the last build is still current. Plain JavaScript: it runs before anything
// else can load TypeScript. dist/ is gitignored; a fresh clone builds on its first `quickship`.
//
// Freshness: the build records every source file esbuild read outside node_modules (its metafile
// inputs: this package's and the bundled workspace packages' TypeScript) with its mtime, plus
// node_modules/.package-lock.json (npm rewrites it on every install) for the bundled dependencies;
// the bin stats exactly those files (~150 stat calls, about a millisecond). A new file only
// matters once an existing one imports it, which changes that file's mtime.
// Dependencies are bundled too (Node resolves one file instead of commander's, yaml's and
// undici's dozens), except the heavy ones only some commands load, which stay imports.
import {
  mkdirSync,
  readFileSync,
  promises as fs,
  renameSync,
  rmSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rootDir = resolve(packageDir, '../..');
export const DIST_DIR = join(packageDir, 'dist', 'cli');
const STAMP = join(DIST_DIR, 'stamp.json');

/** The entry of the current build, or undefined when there is none or a source changed since. */
export function currentBuild() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return undefined;
  }
  if (stamp.node !== process.version) return undefined;
  for (const [file, mtimeMs] of Object.entries(stamp.inputs)) {
    try {
      if (statSync(file).mtimeMs !== mtimeMs) return undefined;
    } catch {
      return undefined;
    }
  }
  return join(DIST_DIR, stamp.dir, 'main.mjs');
}

/**
 * Builds into a fresh folder, then swaps the stamp in with a rename, so a concurrent `quickship`
 * either sees the old complete build or the new one.
 */
export async function build() {
  const { build: esbuild } = await import('esbuild');
  const dir = `build-${Date.now()}-${process.pid}`;
  const outdir = join(DIST_DIR, dir);
  const result = await esbuild({
    entryPoints: { main: join(packageDir, 'src/cli/main.ts') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    // No source maps: inline ones double what Node parses at every start; a bug's stack names
    // bundle lines (QUICKSHIP_FROM_SOURCE=1 reruns it from the TypeScript for real file names).
    sourcemap: false,
    metafile: true,
    logLevel: 'error',
    external: EXTERNAL,
    plugins: [sourceLocation],
    // CommonJS dependencies inside an ESM bundle call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  const inputs = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const file = resolve(process.cwd(), input);
    if (!file.split(sep).includes('node_modules')) inputs[file] = statSync(file).mtimeMs;
  }
  const lockfile = join(rootDir, 'node_modules', '.package-lock.json');
  inputs[lockfile] = statSync(lockfile).mtimeMs;
  // This recipe itself: editing it rebuilds.
  inputs[fileURLToPath(import.meta.url)] = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  mkdirSync(DIST_DIR, { recursive: true });
  const temporary = `${STAMP}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify({ node: process.version, dir, inputs }, null, 1));
  renameSync(temporary, STAMP);
  // Older builds go once they are 10 minutes old: a concurrent build may still be writing a newer
  // folder, and a running process may still import chunks from the one it started with.
  for (const old of readdirSync(DIST_DIR)) {
    const path = join(DIST_DIR, old);
    if (old.startsWith('build-') && old !== dir && Date.now() - statSync(path).mtimeMs > 10 * 60_000)
      rmSync(path, { recursive: true, force: true });
  }
  return join(outdir, 'main.mjs');
}

/**
 * Left as imports: the Kubernetes client (only with --context/--kubeconfig; it loads its own
 * files dynamically), the typed models the renderer uses (only `release`), pg, and libpg-query
 * (PostgreSQL's parser as WebAssembly: it finds its .wasm beside its own file via __dirname).
 */
const EXTERNAL = [
  '@kubernetes/client-node',
  '@kubernetes-models/*',
  'kubernetes-models',
  'kubernetes-models/*',
  'pg',
  'libpg-query',
];

/**
 * `import.meta.url` in our TypeScript keeps meaning "this source file" once bundled: pglocal finds
 * its reaper.mjs beside it, manifests the repository root above it.
 */
const sourceLocation = {
  name: 'source-location',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.split(sep).includes('node_modules')) return undefined;
      const text = await fs.readFile(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};
