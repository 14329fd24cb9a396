// The CLI as CI runs it: a real process on a scratch copy of the repository.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/index.ts';

const CLI = join(REPO_ROOT, 'packages/manifests/src/cli.ts');
const root = mkdtempSync(join(tmpdir(), 'quickship-render-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'packages/manifests'), { recursive: true });
writeFileSync(join(root, 'packages/manifests/images.json'), readFileSync(join(REPO_ROOT, 'packages/manifests/images.json')));

function render(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args, '--root', root], { encoding: 'utf8', timeout: 60_000, cwd: REPO_ROOT });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run render', () => {
  it('--check fails on a stale tree, listing the files and the fix; render repairs it', () => {
    const stale = render('--check');
    expect(stale.status).toBe(1);
    expect(stale.stderr).toMatch(/missing +deploy\/apps\/payments\/rollout\.yaml/);
    expect(stale.stderr).toContain('fix: run npm run render and commit deploy/');

    const written = render();
    expect(written.status, written.stderr).toBe(0);
    expect(written.stdout).toContain('created deploy/apps/payments/rollout.yaml');

    const clean = render('--check');
    expect(clean.status, clean.stderr).toBe(0);
    expect(clean.stdout).toContain('deploy/ is up to date');
  });

  it('exits 1 with the reason when images.json holds a reference it refuses', () => {
    const images = join(root, 'packages/manifests/images.json');
    const original = readFileSync(images, 'utf8');
    try {
      writeFileSync(images, JSON.stringify({ eks: { payments: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/payments:latest' }, local: { payments: 'quickship/payments:1' } }));
      const result = render('--check');
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^render: images\.json "eks\.payments" .* uses the mutable tag "latest"/m);
    } finally {
      writeFileSync(images, original);
    }
  });
});
