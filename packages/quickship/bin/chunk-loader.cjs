// Runs the CLI build (dist/cli/build-…/*.cjs, cli-build.mjs) with V8's code cache, which Node 20
// offers only to scripts compiled through node:vm (Node 22's module.enableCompileCache is not
// there): each chunk is compiled with the cached data kept beside it (<chunk>.cache), and a chunk
// that had none, or whose cache V8 rejected (another Node, other V8 flags), gets one written when
// the process exits — with the functions that run compiled, so the next start neither parses nor
// compiles them. Measured (bench:cli-startup): a third less start-up than importing the same
// chunks as ES modules, mostly Node's ESM loader and compiling. A cache that cannot be written
// (a read-only install) only costs time.
//
// The chunks are CommonJS with one extra parameter, `__chunk(id)`: the lazy `import("./x")` of the
// ES module build, resolved here to the chunk (once) and its exports. Other requires (Node's
// built-ins, the packages left external) go to Node's own require from the build folder; the
// build leaves no import() in a chunk (cli-build.mjs lowers them to require), so no script needs
// a dynamic-import callback.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

/**
 * How cli-build.mjs writes each chunk: one function expression, so the file's text is the script
 * as it is (no concatenation here, which V8 would copy into one string again before compiling).
 */
const CHUNK_WRAPPER = ["(function (exports, require, module, __filename, __dirname, __chunk) {'use strict';\n", '\n})'];

/**
 * Built-ins that cost a start-up milliseconds to load (child_process alone 6–8 ms on these
 * machines) and that most commands never call: commander requires node:child_process at load for
 * executable subcommands quickship does not have; the engine client needs node:http only once it
 * sends; node:tty (which loads node:net) only when stdout is a character device (cli/output.ts). A chunk's require of one of these returns a stand-in that loads the module on first use
 * (esbuild's CommonJS reads `module.name` at each call, so every use goes through it).
 */
const LAZY_BUILTINS = new Set(['child_process', 'crypto', 'http', 'https', 'zlib', 'worker_threads', 'dns', 'tty']);

function lazyBuiltin(id) {
  let real;
  const load = () => (real ??= require(id));
  return new Proxy(
    {},
    {
      get: (_, key) => load()[key],
      has: (_, key) => key in load(),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
      set: (_, key, value) => Reflect.set(load(), key, value),
    },
  );
}

/** Loads the entry chunk of a build and returns its exports. */
function loadBuild(entry) {
  const dir = dirname(entry);
  const nodeRequire = createRequire(entry);
  const lazy = new Map();
  const external = (id) => {
    const name = id.replace(/^node:/, '');
    if (!LAZY_BUILTINS.has(name)) return nodeRequire(id);
    if (!lazy.has(name)) lazy.set(name, lazyBuiltin(`node:${name}`));
    return lazy.get(name);
  };
  const modules = new Map();
  const uncached = [];

  function load(file) {
    const known = modules.get(file);
    if (known) return known.exports;
    const module = { exports: {} };
    modules.set(file, module);
    const cacheFile = `${file}.cache`;
    let cachedData;
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // none yet
    }
    const script = new vm.Script(readFileSync(file, 'utf8'), { filename: file, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) uncached.push({ script, cacheFile });
    const require = (id) => (id.startsWith('./') ? load(join(dir, id)) : external(id));
    const chunk = (id) => Promise.resolve().then(() => load(join(dir, id)));
    script.runInThisContext()(module.exports, require, module, file, dir, chunk);
    return module.exports;
  }

  process.once('exit', () => {
    for (const { script, cacheFile } of uncached) {
      try {
        const temporary = `${cacheFile}.${process.pid}`;
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cacheFile);
      } catch {
        // only slower next time
      }
    }
  });
  return load(entry);
}

module.exports = { CHUNK_WRAPPER, loadBuild };
