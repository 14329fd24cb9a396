// Builds the CLI into dist/cli/ and records what it was built from (build-stamp.cjs tells whether
// that is still current). Plain JavaScript: it runs before anything else can load TypeScript.
// dist/ is gitignored; a fresh clone builds on its first `quickship`.
//
// Two steps: esbuild bundles src/cli/main.ts as ES modules with code splitting (one chunk per
// lazily imported module, so a command loads only what it runs), then each chunk is turned into
// CommonJS for chunk-loader.cjs, which runs them with V8's code cache (on Node 20 only scripts
// compiled through node:vm have one). The lazy `import("./chunk.mjs")` of the first step becomes
// `__chunk("./chunk.cjs")`, and `import("package")` a require(). Every chunk is strict code, as
// the ES modules were.
// Dependencies are bundled too (Node resolves one file instead of commander's, yaml's and
// undici's dozens), except the heavy ones only some commands load, which stay imports.
import { mkdirSync, promises as fs, renameSync, rmSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import stamp from './build-stamp.cjs';
import loader from './chunk-loader.cjs';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rootDir = resolve(packageDir, '../..');
export const DIST_DIR = stamp.DIST_DIR;
export const currentBuild = stamp.currentBuild;
const { CHUNK_WRAPPER } = loader;

/**
 * Builds into a fresh folder of `distDir` (default dist/cli), then swaps the stamp in with a
 * rename, so a concurrent `quickship` either sees the old complete build or the new one.
 */
export async function build(distDir = DIST_DIR) {
  const { build: esbuild, transform } = await import('esbuild');
  const dir = `build-${Date.now()}-${process.pid}`;
  const outdir = join(distDir, dir);
  const result = await esbuild({
    write: false,
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
    define: parserVersions(),
    plugins: [sourceLocation],
  });
  mkdirSync(outdir, { recursive: true });
  // Only the build's own chunk names are rewritten: a string such as pglocal's './reaper.mjs'
  // (a file beside its source, found through import.meta.url) must stay as written.
  const chunks = new Set(result.outputFiles.map((output) => basename(output.path)));
  const own = (name) => chunks.has(`${name}.mjs`);
  for (const output of result.outputFiles) {
    const esm = output.text
      .replace(/\bimport\("\.\/([\w-]+)\.mjs"\)/g, (all, name) => (own(name) ? `__chunk("./${name}.cjs")` : all))
      .replace(/(["'])\.\/([\w-]+)\.mjs\1/g, (all, quote, name) => (own(name) ? `${quote}./${name}.cjs${quote}` : all));
    const cjs = await transform(esm, {
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      loader: 'js',
      // import() of a package or a built-in becomes require(): V8 drops a vm script's dynamic-import
      // callback when the script comes from the code cache (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING
      // on Node 20). The ESM-only package among them (@kubernetes/client-node) loads through
      // require(esm), on by default since Node 20.19 (package.json engines).
      supported: { 'dynamic-import': false },
      minifyWhitespace: true,
      minifySyntax: true,
      logLevel: 'silent',
    });
    if (cjs.warnings.length > 0)
      throw new Error(`${basename(output.path)}: ${cjs.warnings.map((w) => w.text).join('; ')}`);
    writeFileSync(
      join(outdir, basename(output.path).replace(/\.mjs$/, '.cjs')),
      CHUNK_WRAPPER[0] + cjs.code + CHUNK_WRAPPER[1],
    );
  }
  const inputs = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const file = resolve(process.cwd(), input);
    if (!file.split(sep).includes('node_modules')) inputs[file] = statSync(file).mtimeMs;
  }
  const lockfile = join(rootDir, 'node_modules', '.package-lock.json');
  inputs[lockfile] = statSync(lockfile).mtimeMs;
  // This recipe itself and the loader whose contract the chunks follow: editing either rebuilds.
  for (const file of [fileURLToPath(import.meta.url), join(packageDir, 'bin', 'chunk-loader.cjs')])
    inputs[file] = statSync(file).mtimeMs;
  const stampPath = stamp.stampFile(distDir);
  const temporary = `${stampPath}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify({ node: process.version, dir, entry: 'main.cjs', inputs }, null, 1));
  renameSync(temporary, stampPath);
  // Older builds go once they are 10 minutes old: a concurrent build may still be writing a newer
  // folder, and a running process may still import chunks from the one it started with.
  for (const old of readdirSync(distDir)) {
    const path = join(distDir, old);
    if (old.startsWith('build-') && old !== dir && Date.now() - statSync(path).mtimeMs > 10 * 60_000)
      rmSync(path, { recursive: true, force: true });
  }
  return join(outdir, 'main.cjs');
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
 * The versions of the parsers whose output is cached on disk (src/parser-versions.ts), fixed into
 * the build: yaml is bundled, libpg-query is external, and a new install (lockfile) rebuilds.
 */
function parserVersions() {
  const version = (name) =>
    JSON.stringify(createRequire(join(packageDir, 'package.json'))(`${name}/package.json`).version);
  return { QUICKSHIP_YAML_VERSION: version('yaml'), QUICKSHIP_LIBPG_QUERY_VERSION: version('libpg-query') };
}

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
