// The bin as a user runs it: the bundled build (dist/cli) answers as the TypeScript sources do,
// and a build whose recorded inputs no longer match is not used.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from './helpers/up-process.ts';
// @ts-expect-error: plain JavaScript module without types (it runs before TypeScript can load)
import { build, currentBuild } from '../bin/cli-build.mjs';

const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

describe('bin/quickship.js', () => {
  it('prints the same help from the bundle as from the TypeScript sources', () => {
    const bundled = run(['status', '--help']);
    const source = run(['status', '--help'], { QUICKSHIP_FROM_SOURCE: '1' });
    expect(bundled.status).toBe(0);
    expect(bundled.stdout).toContain('Usage: quickship status');
    expect(bundled.stdout).toBe(source.stdout);
    expect(currentBuild()).toMatch(/dist\/cli\/build-[^/]+\/main\.cjs$/);
  });

  it('sorts errors the same way once bundled: a user error exits 1 with its fix', () => {
    const result = run(['status', '-n', 'payments']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'error: -n/--namespace only applies to a Kubernetes target\n  fix: add --context <ctx> or --kubeconfig <file>, or drop -n\n',
    );
  });

  it('does not use a build when a recorded input changed, and builds a fresh one', async () => {
    // In a folder of its own: the other test files' CLI runs keep the shared dist/cli build (a
    // new build there would change the build id the lint cache keys on while they run).
    const distDir = mkdtempSync(join(tmpdir(), 'quickship-dist-'));
    try {
      const first = (await build(distDir)) as string;
      expect(currentBuild(distDir)).toBe(first);
      const stampFile = join(distDir, 'stamp.json');
      const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as { inputs: Record<string, number> };
      const [file] = Object.keys(stamp.inputs).filter((f) => f.endsWith('src/cli/program.ts'));
      expect(file).toBeDefined();
      writeFileSync(stampFile, JSON.stringify({ ...stamp, inputs: { ...stamp.inputs, [file!]: 1 } }));
      expect(currentBuild(distDir)).toBeUndefined();
      const fresh = (await build(distDir)) as string;
      expect(fresh).not.toBe(first);
      expect(currentBuild(distDir)).toBe(fresh);
    } finally {
      rmSync(distDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('runs the chunks with V8 code cache: kept beside each chunk once run, and accepted', () => {
    run(['status', '--help']);
    const entry = currentBuild() as string;
    const cache = `${entry}.cache`;
    const before = readFileSync(cache);
    expect(before.length).toBeGreaterThan(1000);
    // A second run accepts it (a rejected cache would be written again).
    run(['status', '--help']);
    expect(readFileSync(cache).equals(before)).toBe(true);
    // A cache V8 rejects (here: garbage) is replaced by a good one, and the run answers the same.
    writeFileSync(cache, 'not a code cache');
    const again = run(['status', '--help']);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('Usage: quickship status');
    expect(readFileSync(cache).length).toBeGreaterThan(1000);
  });

  it('loads node:child_process, crypto and http only when a command uses them', () => {
    const loader = join(import.meta.dirname, '../bin/chunk-loader.cjs');
    const probe = `
      const loaded = (m) => process.moduleLoadList.includes('NativeModule ' + m);
      const { main } = require(${JSON.stringify(loader)}).loadBuild(${JSON.stringify(currentBuild())});
      main(['node', 'quickship', 'status', '--help']).then(() => {
        const before = ['child_process', 'crypto', 'http'].filter(loaded);
        // A use loads the real module: release/git.ts' execFile runs git.
        require('node:child_process');
        console.log(JSON.stringify({ before, after: loaded('child_process') }));
      });`;
    // A file, not -e: node -e loads node:crypto itself.
    const dir = mkdtempSync(join(tmpdir(), 'quickship-probe-'));
    writeFileSync(join(dir, 'probe.cjs'), probe);
    const result = spawnSync(process.execPath, [join(dir, 'probe.cjs')], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toEqual({ before: [], after: true });
  });

  it("rewrites only the build's own chunk names: pglocal's reaper.mjs (found beside its source) stays", () => {
    run(['--help']);
    const dir = dirname(currentBuild() as string);
    const found = readdirSync(dir)
      .filter((f) => f.endsWith('.cjs'))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').match(/["'][^"']*reaper\.[cm]js["']/g) ?? []);
    expect(found.length).toBeGreaterThan(0);
    for (const literal of found) expect(literal).toMatch(/reaper\.mjs["']$/);
  });
});
