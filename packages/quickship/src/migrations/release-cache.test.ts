// headCommit reads HEAD from the repository's files as Git would resolve it (loose ref, packed
// ref, detached HEAD, a linked worktree), and releasedAtHead answers from the cache only for the
// same HEAD commit — a real repository, real git.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headCommit, releasedAtHead } from './release-cache.ts';

let dir: string;
let repo: string;
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8' }).trim();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'quickship-release-cache-'));
  process.env.QUICKSHIP_CACHE_DIR = join(dir, 'cache');
  repo = join(dir, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  git(repo, 'config', 'user.email', 't@example.com');
  git(repo, 'config', 'user.name', 't');
  writeFileSync(join(repo, 'a'), '1');
  git(repo, 'add', 'a');
  git(repo, 'commit', '-qm', 'one');
});

afterAll(() => {
  delete process.env.QUICKSHIP_CACHE_DIR;
  rmSync(dir, { recursive: true, force: true });
});

describe('headCommit', () => {
  it('resolves a loose ref, a packed ref, a detached HEAD and a linked worktree as git does', () => {
    expect(headCommit(repo)).toBe(git(repo, 'rev-parse', 'HEAD'));
    git(repo, 'pack-refs', '--all');
    expect(headCommit(repo)).toBe(git(repo, 'rev-parse', 'HEAD'));
    writeFileSync(join(repo, 'a'), '2');
    git(repo, 'commit', '-qam', 'two');
    expect(headCommit(repo)).toBe(git(repo, 'rev-parse', 'HEAD'));
    git(repo, 'checkout', '-q', '--detach', 'HEAD~1');
    expect(headCommit(repo)).toBe(git(repo, 'rev-parse', 'HEAD'));
    git(repo, 'checkout', '-q', 'main');
    const tree = join(dir, 'tree');
    git(repo, 'worktree', 'add', '-q', '-b', 'side', tree, 'HEAD~1');
    expect(headCommit(tree)).toBe(git(tree, 'rev-parse', 'HEAD'));
    expect(headCommit(join(dir, 'nothing'))).toBeUndefined();
  });
});

describe('releasedAtHead', () => {
  it('asks Git once per HEAD commit and environment', async () => {
    let asked = 0;
    const lookup = () => {
      asked++;
      return Promise.resolve({ label: `answer ${asked}`, files: new Map([['0001.sql', 'select 1;']]) });
    };
    const first = await releasedAtHead(repo, 'eks', lookup);
    const again = await releasedAtHead(repo, 'eks', lookup);
    expect(asked).toBe(1);
    expect(again).toEqual(first);
    expect(again.files.get('0001.sql')).toBe('select 1;');
    await releasedAtHead(repo, 'staging', lookup);
    expect(asked).toBe(2);
    writeFileSync(join(repo, 'a'), '3');
    git(repo, 'commit', '-qam', 'three');
    expect((await releasedAtHead(repo, 'eks', lookup)).label).toBe('answer 3');
  });
});
