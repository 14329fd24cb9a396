// `quickship lint`'s cached answers (src/cli/run/lint-cache.ts), through the bin as a user runs it
// (the bundled build), in a real Git repository holding deploy/apps/payments and the migrations:
// a repeat prints exactly what the first run printed and exits the same way; changing any input —
// a manifest, a migration, HEAD, the options — lints again; running from the sources never caches.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKOUT, git } from './helpers/repo.ts';
import { BIN } from './helpers/up-process.ts';

let dir: string;
let repo: string;
let cache: string;

const lint = (args: string[] = [], env: NodeJS.ProcessEnv = {}) => {
  const run = spawnSync(process.execPath, [BIN, 'lint', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, QUICKSHIP_CACHE_DIR: cache, ...env },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
};
const entries = (): number => {
  try {
    return readdirSync(join(cache, 'lint-results')).length;
  } catch {
    return 0;
  }
};
const ROLLOUT = 'deploy/apps/payments/rollout.yaml';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'quickship-lint-cache-'));
  repo = join(dir, 'repo');
  cache = join(dir, 'cache');
  for (const folder of ['deploy/apps/payments', 'services/payments/migrations'])
    cpSync(join(CHECKOUT, folder), join(repo, folder), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main', repo);
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'deploy and migrations');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('quickship lint, cached by its inputs', () => {
  it('a repeat prints the same lines and exits the same way, from one entry', () => {
    const first = lint();
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/deploy\/apps\/payments: 1 Rollout \(payments\), no errors\nmigrations: /);
    expect(entries()).toBe(1);
    expect(lint()).toEqual(first);
    expect(entries()).toBe(1);
    // --no-cache lints again (same answer, same entry).
    expect(lint(['--no-cache'])).toEqual(first);
    expect(entries()).toBe(1);
  });

  it('a manifest edited to be wrong is linted again, and its errors are replayed with exit 1', () => {
    const text = readFileSync(join(repo, ROLLOUT), 'utf8');
    writeFileSync(join(repo, ROLLOUT), text.replace(/activeService: \S+/, 'activeService: no-such-service'));
    const broken = lint();
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/no-such-service/);
    expect(broken.err).toMatch(/fix: fix the fields named above/);
    expect(entries()).toBe(2);
    expect(lint()).toEqual(broken);
    writeFileSync(join(repo, ROLLOUT), text);
    expect(lint().code).toBe(0);
    expect(entries()).toBe(2);
  });

  it('a new migration, a new HEAD and other options are other inputs', () => {
    let before = entries();
    const migration = join(repo, 'services/payments/migrations/0099_note.sql');
    writeFileSync(migration, 'ALTER TABLE payments ADD COLUMN note text;\n');
    const more = lint();
    expect(more.code, more.err).toBe(0);
    expect(more.out).toMatch(/migrations: 0001_init\.sql, 0099_note\.sql checked against/);
    expect(entries()).toBe(before + 1);
    expect(lint()).toEqual(more);
    rmSync(migration);
    before = entries();
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'another commit');
    expect(lint().code).toBe(0);
    expect(entries()).toBe(before + 1);
    expect(lint(['--no-migrations']).out).toBe('deploy/apps/payments: 1 Rollout (payments), no errors\n');
    expect(entries()).toBe(before + 2);
    // Another environment is another answer, over the very same files and HEAD.
    expect(lint(['--env', 'staging']).out).toMatch(/checked against no release commit for staging yet/);
    expect(entries()).toBe(before + 3);
  });

  it('running from the TypeScript sources keeps no entry', () => {
    const before = entries();
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'one more');
    expect(lint([], { QUICKSHIP_FROM_SOURCE: '1' }).code).toBe(0);
    expect(entries()).toBe(before);
  });

  it('keeps parses under the installed parsers’ versions, the same from the build as from the sources', () => {
    // The build has the versions fixed in (src/parser-versions.ts); the sources read package.json.
    const installed = (name: string): string =>
      (JSON.parse(readFileSync(join(CHECKOUT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
        .version;
    const parseFolders = (): string[] =>
      readdirSync(cache)
        .filter((name) => name !== 'lint-results' && name !== 'released-migrations')
        .sort();
    const expected = [`pg-parse-${installed('libpg-query')}`, `yaml-${installed('yaml')}-1`];
    expect(lint(['--no-cache']).code).toBe(0);
    expect(parseFolders()).toEqual(expected);
    expect(lint(['--no-cache'], { QUICKSHIP_FROM_SOURCE: '1' }).code).toBe(0);
    expect(parseFolders()).toEqual(expected);
  });
});
