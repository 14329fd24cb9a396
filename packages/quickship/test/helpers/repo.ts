// A real Git repository for tests: a copy of this working tree (tracked and untracked files,
// not ignored ones) committed on branch main in a temp folder, with node_modules linked from the
// checkout.
// The local registry then builds payments from a real commit, as `quickship build` does.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CHECKOUT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures');

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  }).trim();
}

/** Copies the checkout's source into a new repository and commits it; returns its folder. */
export function copyCheckoutToRepo(prefix = 'quickship-repo-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const files = git(CHECKOUT, 'ls-files', '-co', '--exclude-standard', '-z').split('\0').filter(Boolean);
  for (const file of files) {
    const from = join(CHECKOUT, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(from, join(dir, file));
  }
  // Dependencies are the checkout's (same lockfile), so the registry links them instead of installing.
  symlinkSync(join(CHECKOUT, 'node_modules'), join(dir, 'node_modules'));
  for (const workspace of ['packages', 'services']) {
    for (const name of existsSync(join(CHECKOUT, workspace))
      ? execFileSync('ls', [join(CHECKOUT, workspace)], { encoding: 'utf8' })
          .split('\n')
          .filter(Boolean)
      : []) {
      const modules = join(CHECKOUT, workspace, name, 'node_modules');
      if (existsSync(modules) && existsSync(join(dir, workspace, name)))
        symlinkSync(modules, join(dir, workspace, name, 'node_modules'));
    }
  }
  writeFileSync(join(dir, '.gitignore'), `${readFileSync(join(CHECKOUT, '.gitignore'), 'utf8')}\nnode_modules\n`);
  // Branch main: the Applications' targetRevision (deploy/argocd), so GitOps mode syncs this repository.
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'test fixture: copy of the working tree');
  return dir;
}

/** Writes the fixture Rollout (image tag, overrides) into `<dir>`; returns the folder. */
export function writeFixtureDeploy(dir: string, tag: string, edit: (rollout: string) => string = (s) => s): string {
  mkdirSync(dir, { recursive: true });
  for (const file of ['rollout.yaml', 'services.yaml', 'configmap.yaml']) {
    let text = readFileSync(join(FIXTURES, 'payments', file), 'utf8');
    if (file === 'rollout.yaml') text = edit(text.replace('payments:TAG', `payments:${tag}`));
    writeFileSync(join(dir, file), text);
  }
  return dir;
}
