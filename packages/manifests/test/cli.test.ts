// The render command as CI runs it, on a scratch copy of the repository: in-process for each
// case, and once as a real process for the exit-code wiring.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderCommand } from '../src/command.ts';
import { REPO_ROOT } from '../src/index.ts';

const root = mkdtempSync(join(tmpdir(), 'quickship-render-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'packages/manifests'), { recursive: true });
const imagesFile = join(root, 'packages/manifests/images.json');
writeFileSync(imagesFile, readFileSync(join(REPO_ROOT, 'packages/manifests/images.json')));

function render(...args: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = renderCommand([...args, '--root', root], { log: (l) => out.push(l), error: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run render', () => {
  it('--check fails on a stale tree, listing the files and the fix; render repairs it', () => {
    const stale = render('--check');
    expect(stale.code).toBe(1);
    expect(stale.err).toMatch(/missing +deploy\/apps\/payments\/rollout\.yaml/);
    expect(stale.err).toContain('fix: run npm run render and commit deploy/');

    const written = render();
    expect(written.code, written.err).toBe(0);
    expect(written.out).toContain('created deploy/apps/payments/rollout.yaml');

    const clean = render('--check');
    expect(clean.code, clean.err).toBe(0);
    expect(clean.out).toBe('deploy/ is up to date');
  });

  it('fails with the reason when images.json holds a reference it refuses', () => {
    const original = readFileSync(imagesFile, 'utf8');
    try {
      writeFileSync(
        imagesFile,
        JSON.stringify({
          eks: { payments: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/payments:latest' },
          local: { payments: 'quickship/payments:1' },
        }),
      );
      const result = render('--check');
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/^render: images\.json "eks\.payments" .* uses the mutable tag "latest"/);
    } finally {
      writeFileSync(imagesFile, original);
    }
  });

  it('rejects an unknown argument with the usage', () => {
    const result = render('--chek');
    expect(result.code).toBe(2);
    expect(result.err).toContain('usage: npm run render');
  });

  it('sets the process exit code (what fails the CI job)', () => {
    // An argument error exits before rendering, so this proves the wiring without a full render.
    const cli = join(REPO_ROOT, 'packages/manifests/src/cli.ts');
    const result = spawnSync(process.execPath, ['--import', 'tsx', cli, '--chek'], {
      encoding: 'utf8',
      timeout: 60_000,
      cwd: REPO_ROOT,
    });
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toContain('usage: npm run render');
  });
});
