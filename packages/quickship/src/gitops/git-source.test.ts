// GitSource against a real repository: an idle poll runs no git (git-stamp.ts), and every change
// git would see — a commit, a branch moved, a packed ref, a new tag, an edit, an untracked file, a
// staged change, a worktree — is seen at the next call.
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { git } from '../../test/helpers/repo.ts';
import { GitSource } from './git-source.ts';

let dir: string;
let repo: string;
const APP = 'deploy/apps/payments';

function commit(message: string, file = `${APP}/rollout.yaml`, text = `kind: Rollout # ${message}\n`): string {
  writeFileSync(join(repo, file), text);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', message);
  return git(repo, 'rev-parse', 'HEAD');
}

/** The git runs a call makes (GitSource's one way to git). */
function gitRuns(source: GitSource) {
  return vi.spyOn(source as unknown as { git: (...args: unknown[]) => Promise<string> }, 'git');
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'quickship-gitsource-'));
  repo = join(dir, 'repo');
  mkdirSync(join(repo, APP), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main', repo);
  commit('first');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('GitSource.resolve', () => {
  it('asks git once while the refs stay as they are, and again after a commit', async () => {
    const source = new GitSource(repo);
    const runs = gitRuns(source);
    const first = await source.resolve('main');
    expect(first).toBe(git(repo, 'rev-parse', 'main'));
    const after = runs.mock.calls.length;
    expect(await source.resolve('main')).toBe(first);
    expect(await source.resolve('main')).toBe(first);
    expect(runs.mock.calls.length).toBe(after);
    const second = commit('second');
    expect(await source.resolve('main')).toBe(second);
    expect(runs.mock.calls.length).toBeGreaterThan(after);
  });

  it('sees a branch moved by a packed ref, a new tag and a reset', async () => {
    const source = new GitSource(repo);
    const first = await source.resolve('main');
    const second = commit('second');
    git(repo, 'pack-refs', '--all');
    expect(await source.resolve('main')).toBe(second);
    git(repo, 'tag', 'v1', first);
    expect(await source.resolve('v1')).toBe(first);
    git(repo, 'reset', '-q', '--hard', first);
    expect(await source.resolve('main')).toBe(first);
    expect(await source.resolve('HEAD')).toBe(first);
    // A tag that lives only in packed-refs, deleted: only packed-refs changes.
    git(repo, 'pack-refs', '--all');
    expect(await source.resolve('v1')).toBe(first);
    git(repo, 'tag', '-d', 'v1');
    await expect(source.resolve('v1')).rejects.toThrow(/targetRevision "v1" does not resolve/);
  });

  it('sees packed-refs rewritten by another program, with no loose ref touched', async () => {
    const source = new GitSource(repo);
    const first = await source.resolve('main');
    const second = commit('second');
    git(repo, 'tag', 'v2', first);
    git(repo, 'pack-refs', '--all');
    expect(await source.resolve('v2')).toBe(first);
    // As a fetch into a mirror may write it: the file replaced whole, the refs/ folders as they were.
    const packed = join(repo, '.git', 'packed-refs');
    const text = readFileSync(packed, 'utf8');
    expect(text).toContain(`${first} refs/tags/v2`);
    writeFileSync(`${packed}.new`, text.replace(`${first} refs/tags/v2`, `${second} refs/tags/v2`));
    renameSync(`${packed}.new`, packed);
    expect(await source.resolve('v2')).toBe(second);
  });

  it('works in a linked worktree (a .git file), where HEAD is its own', async () => {
    git(repo, 'branch', 'other');
    const linked = join(dir, 'linked');
    git(repo, 'worktree', 'add', '-q', linked, 'other');
    const source = new GitSource(linked);
    const first = await source.resolve('HEAD');
    writeFileSync(join(linked, 'x.yaml'), 'kind: ConfigMap\n');
    git(linked, 'add', '-A');
    git(linked, 'commit', '-qm', 'in the worktree');
    expect(await source.resolve('HEAD')).not.toBe(first);
    expect(await source.resolve('HEAD')).toBe(git(linked, 'rev-parse', 'HEAD'));
  });
});

describe('GitSource.uncommitted', () => {
  it('asks git once while nothing changes, and sees edits, new files, staging and commits', async () => {
    const source = new GitSource(repo);
    const runs = gitRuns(source);
    expect(await source.uncommitted(APP)).toEqual([]);
    const after = runs.mock.calls.length;
    expect(await source.uncommitted(APP)).toEqual([]);
    expect(runs.mock.calls.length).toBe(after);

    // An edit that keeps the size: the mtime tells.
    writeFileSync(join(repo, APP, 'rollout.yaml'), 'kind: Rollout # FIRST\n');
    expect(await source.uncommitted(APP)).toEqual([`${APP}/rollout.yaml`]);
    writeFileSync(join(repo, APP, 'service.yaml'), 'kind: Service\n');
    expect(await source.uncommitted(APP)).toEqual([`${APP}/rollout.yaml`, `${APP}/service.yaml`]);
    git(repo, 'add', '-A');
    expect(await source.uncommitted(APP)).toEqual([`${APP}/rollout.yaml`, `${APP}/service.yaml`]);
    git(repo, 'commit', '-qm', 'both');
    expect(await source.uncommitted(APP)).toEqual([]);
  });
});
