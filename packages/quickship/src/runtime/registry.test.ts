import { execFileSync } from 'node:child_process';
import { lstatSync, realpathSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImagePullError, InvalidImageNameError, TagImmutableError } from './errors.ts';
import { LocalRegistry } from './registry.ts';
import { removeTempDirs, tempDir } from './test-fixtures/fixture-image.ts';

const workspaceTsx = resolve(import.meta.dirname, '../../../../node_modules/tsx');

afterAll(removeTempDirs);

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
}

function write(repo: string, path: string, text: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}

function commit(repo: string, message: string): string {
  git(repo, 'add', '-A');
  git(repo, '-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-q', '-m', message);
  return git(repo, 'rev-parse', 'HEAD');
}

// The image's process prints which workspace code it imported: proof of what the build runs.
const SERVER = `import { version } from '@demo/lib';\nconsole.log('lib=' + version);\n`;

/** A monorepo like ours: a workspace package linked by npm into node_modules, and tsx installed. */
function monorepo(): { repo: string; first: string; second: string } {
  const repo = tempDir('registry-repo');
  git(repo, 'init', '-q');
  write(repo, '.gitignore', 'node_modules/\n.quickship/\n');
  write(
    repo,
    'package.json',
    JSON.stringify({ name: 'demo', private: true, type: 'module', workspaces: ['packages/*'] }),
  );
  write(repo, 'package-lock.json', JSON.stringify({ name: 'demo', lockfileVersion: 3, requires: true, packages: {} }));
  write(
    repo,
    'packages/lib/package.json',
    JSON.stringify({ name: '@demo/lib', type: 'module', exports: './index.js' }),
  );
  write(repo, 'packages/lib/index.js', `export const version = 'one';\n`);
  write(repo, 'services/payments/src/server.ts', SERVER);
  mkdirSync(join(repo, 'node_modules/@demo'), { recursive: true });
  symlinkSync('../../packages/lib', join(repo, 'node_modules/@demo/lib'));
  symlinkSync(workspaceTsx, join(repo, 'node_modules/tsx'));
  const first = commit(repo, 'one');
  write(repo, 'packages/lib/index.js', `export const version = 'two';\n`);
  const second = commit(repo, 'two');
  return { repo, first, second };
}

function runImage(rootfs: string, cmd: readonly string[]): string {
  const [file, ...args] = cmd;
  return execFileSync(file === 'node' ? process.execPath : (file ?? ''), args, {
    cwd: rootfs,
    encoding: 'utf8',
  }).trim();
}

describe('LocalRegistry', () => {
  let repo: string;
  let first: string;
  let second: string;
  beforeAll(() => ({ repo, first, second } = monorepo()));

  it('builds immutable images of commits that run their own workspace code', async () => {
    const registry = new LocalRegistry({ repoDir: repo });
    const one = await registry.build({ commit: first });
    expect(one).toMatchObject({
      created: true,
      manifest: {
        tag: `git-${first.slice(0, 7)}`,
        commit: first,
        repository: 'payments',
        dependencies: { mode: 'linked' },
      },
    });
    expect(one.manifest.cmd).toEqual(['node', '--import', 'tsx', 'services/payments/src/server.ts']);
    const two = await registry.build({ tag: 'v2' }); // HEAD
    expect(two.manifest.commit).toBe(second);

    const imageOne = await registry.resolve(
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/payments:git-${first.slice(0, 7)}`,
    );
    const imageTwo = await registry.resolve('payments:v2');
    expect(imageOne.rootfs).toBe(join(repo, '.quickship/registry', `git-${first.slice(0, 7)}`, 'rootfs'));
    // The workspace link points into the build's own tree, third-party packages to the installed copy.
    expect(readlinkSync(join(imageOne.rootfs, 'node_modules/@demo/lib'))).toBe('../../packages/lib');
    expect(lstatSync(join(imageOne.rootfs, 'node_modules/tsx')).isSymbolicLink()).toBe(true);
    expect(runImage(imageOne.rootfs, imageOne.manifest.cmd)).toBe('lib=one');
    expect(runImage(imageTwo.rootfs, imageTwo.manifest.cmd)).toBe('lib=two');
    expect((await registry.list()).map((m) => m.tag)).toEqual([`git-${first.slice(0, 7)}`, 'v2']);
  });

  it('keeps tags immutable: same commit is a no-op, another commit names the fix', async () => {
    const registry = new LocalRegistry({ repoDir: repo });
    await registry.build({ commit: first, tag: 'pinned' });
    const again = await registry.build({ commit: first, tag: 'pinned' });
    expect(again.created).toBe(false);
    const attempt = registry.build({ commit: second, tag: 'pinned' });
    await expect(attempt).rejects.toBeInstanceOf(TagImmutableError);
    await expect(attempt).rejects.toThrow(/tag "pinned" already holds commit .* quickship build --tag <new-tag>/);
    await expect(registry.build({ commit: 'no-such-ref' })).rejects.toThrow(/"no-such-ref" is not a commit/);
    await expect(registry.build({ tag: '-bad' })).rejects.toThrow(/tag "-bad" is not a valid image tag/);
    const onlyOneBuild = await registry.resolve('payments:pinned');
    expect(onlyOneBuild.manifest.commit).toBe(first);
  });

  it('maps missing builds to ErrImagePull and malformed references to InvalidImageName', async () => {
    const registry = new LocalRegistry({ repoDir: repo });
    await expect(registry.resolve('payments:never-built')).rejects.toBeInstanceOf(ImagePullError);
    await expect(registry.resolve('payments:never-built')).rejects.toThrow(
      /tag "never-built" has no local build .*quickship build --tag never-built/,
    );
    await expect(registry.resolve('nginx:1.27')).rejects.toThrow(/repository "nginx" has no local builds/);
    for (const bad of ['Payments:v1', 'payments:', 'payments:-x', 'registry.example.com//payments:v1', '']) {
      await expect(registry.resolve(bad)).rejects.toBeInstanceOf(InvalidImageNameError);
    }
    await expect(registry.resolve('payments')).rejects.toThrow(/tag "latest" has no local build/);
  });

  it('installs dependencies with npm ci when the lockfile differs from the repository', async () => {
    const small = tempDir('registry-npm');
    git(small, 'init', '-q');
    // A real dependency (a local file: package) so that npm ci has something to install.
    const manifest = (version: string) =>
      JSON.stringify({ name: 'small', version, private: true, dependencies: { dep: 'file:dep' } });
    const lock = (version: string) =>
      JSON.stringify({
        name: 'small',
        version,
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: 'small', version, dependencies: { dep: 'file:dep' } },
          dep: { version: '1.0.0' },
          'node_modules/dep': { resolved: 'dep', link: true },
        },
      });
    write(small, 'dep/package.json', JSON.stringify({ name: 'dep', version: '1.0.0' }));
    write(small, 'package.json', manifest('1.0.0'));
    write(small, 'package-lock.json', lock('1.0.0'));
    write(small, 'services/payments/src/server.ts', 'console.log("hi");\n');
    const old = commit(small, 'v1');
    write(small, 'package.json', manifest('1.0.1'));
    write(small, 'package-lock.json', lock('1.0.1'));
    commit(small, 'v1.0.1');
    const registry = new LocalRegistry({ repoDir: small });
    const build = await registry.build({ commit: old, tag: 'old' });
    expect(build.manifest.dependencies.mode).toBe('installed');
    const rootfs = join(small, '.quickship/registry/old/rootfs');
    expect(realpathSync(join(rootfs, 'node_modules/dep'))).toBe(realpathSync(join(rootfs, 'dep')));
    expect(readFileSync(join(rootfs, 'package.json'), 'utf8')).toContain('1.0.0');
  }, 60_000);
});
