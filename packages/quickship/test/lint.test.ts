// `quickship lint` against the upstream Argo Rollouts lint corpus (../shared/corpus, skipped when
// absent): valid inputs pass with exit 0; invalid ones exit 1 and print upstream's message with
// the file name. Runs the CLI's own main() in-process (one fresh program per call).
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CORPUS_DIR, hasCorpus, lintExpectations } from '../src/core/testing/corpus.ts';
import { FIXTURES } from './helpers/repo.ts';
import { runMain } from './helpers/run-main.ts';

const run = runMain;

afterEach(() => vi.restoreAllMocks());

describe.skipIf(!hasCorpus)('quickship lint -f <upstream lint corpus>', () => {
  for (const { file, expected } of hasCorpus ? lintExpectations() : []) {
    it(`${file}: ${expected === '' ? 'valid' : expected}`, async () => {
      const path = join(CORPUS_DIR, 'lint', file);
      const { code, out, err } = await run('lint', '-f', path);
      if (expected === '') {
        expect({ code, err }).toEqual({ code: 0, err: '' });
        expect(out).toMatch(/no errors/);
      } else {
        expect(code).toBe(1);
        // One line per error: the file, then upstream's field error (its path and reason).
        const line = err.split('\n').find((l) => l.startsWith(`${path}: `) && l.includes(expected));
        expect(line, err).toBeDefined();
        expect(err).toMatch(/fix: fix the fields named above/);
      }
    });
  }
});

describe('quickship lint over a deploy folder', () => {
  it('passes the fixture Rollout with its Services', async () => {
    const { code, out } = await run('lint', '--dir', join(FIXTURES, 'payments'));
    expect(code).toBe(0);
    expect(out).toMatch(/1 Rollout \(payments\), no errors/);
  });

  it('names the file, the field path and the reason, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quickship-lint-'));
    writeFileSync(
      join(dir, 'rollout.yaml'),
      [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Rollout',
        'metadata: {name: broken}',
        'spec:',
        '  selector: {matchLabels: {app: x}}',
        '  template:',
        '    metadata: {labels: {app: other}}',
        '    spec: {containers: [{name: c, image: "payments:1"}]}',
        '  strategy: {blueGreen: {activeService: broken-active}}',
        '',
      ].join('\n'),
    );
    const { code, err } = await run('lint', '--dir', dir);
    expect(code).toBe(1);
    expect(err).toMatch(
      /rollout\.yaml: spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/,
    );
    expect(err).toMatch(/rollout\.yaml: spec\.strategy\.blueGreen\.activeService: Not found: "broken-active"/);
    expect(err).toMatch(/error: 2 lint errors in 1 Rollout/);
  });

  it('a missing file is a user error with the fix', async () => {
    const { code, err } = await run('lint', '-f', '/nonexistent/rollout.yaml');
    expect(code).toBe(1);
    expect(err).toMatch(
      /error: cannot read \/nonexistent\/rollout\.yaml: ENOENT\n {2}fix: pass an existing manifest file to -f/,
    );
  });
});

it.skipIf(!existsSync(CORPUS_DIR))('corpus folder is where core says', () =>
  expect(existsSync(join(CORPUS_DIR, 'lint'))).toBe(true),
);
