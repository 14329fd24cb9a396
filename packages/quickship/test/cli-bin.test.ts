// The bin as a user runs it: the bundled build (dist/cli) answers as the TypeScript sources do,
// and a build whose recorded inputs no longer match is not used.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from './helpers/up-process.ts';
// @ts-expect-error: plain JavaScript module without types (it runs before TypeScript can load)
import { build, currentBuild, DIST_DIR } from '../bin/cli-build.mjs';

const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

describe('bin/quickship.js', () => {
  it('prints the same help from the bundle as from the TypeScript sources', () => {
    const bundled = run(['status', '--help']);
    const source = run(['status', '--help'], { QUICKSHIP_FROM_SOURCE: '1' });
    expect(bundled.status).toBe(0);
    expect(bundled.stdout).toContain('Usage: quickship status');
    expect(bundled.stdout).toBe(source.stdout);
    expect(currentBuild()).toMatch(/dist\/cli\/build-[^/]+\/main\.mjs$/);
  });

  it('sorts errors the same way once bundled: a user error exits 1 with its fix', () => {
    const result = run(['status', '-n', 'payments']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'error: -n/--namespace only applies to a Kubernetes target\n  fix: add --context <ctx> or --kubeconfig <file>, or drop -n\n',
    );
  });

  it('does not use a build when a recorded input changed, and builds a fresh one', async () => {
    run(['--help']);
    const stampFile = join(DIST_DIR as string, 'stamp.json');
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as { inputs: Record<string, number> };
    const [file] = Object.keys(stamp.inputs).filter((f) => f.endsWith('src/cli/program.ts'));
    expect(file).toBeDefined();
    writeFileSync(stampFile, JSON.stringify({ ...stamp, inputs: { ...stamp.inputs, [file!]: 1 } }));
    expect(currentBuild()).toBeUndefined();
    const fresh = (await build()) as string;
    expect(currentBuild()).toBe(fresh);
  }, 60_000);
});
