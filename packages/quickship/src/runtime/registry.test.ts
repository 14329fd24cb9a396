import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerArgv, type ContainerProcessSpec } from './command.ts';
import { provideDependencies } from './dependencies.ts';
import { extractCommit } from './git.ts';
import { BuildError, ImagePullError, InvalidImageNameError, TagImmutableError } from './errors.ts';
import { LocalRegistry, type ResolvedImage } from './registry.ts';
import { removeTempDirs, tempDir } from './test-fixtures/fixture-image.ts';

const workspaceModules = resolve(import.meta.dirname, '../../../../node_modules');

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

// A Dockerfile shaped like ours: a build stage bundling with esbuild (a `$(…)` computes a flag),
// a distroless-like runtime stage with node as ENTRYPOINT and the server as CMD.
const DOCKERFILE = `# syntax=docker/dockerfile:1
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN npx --no-install esbuild \\
      server=services/payments/src/server.ts \\
      job=services/payments/src/job.ts \\
      --bundle --platform=node --format=esm \\
      --outdir=services/payments/dist --out-extension:.js=.mjs \\
      $(node -p "'--log-level=' + 'warning'")

FROM gcr.io/distroless/nodejs24-debian12:nonroot AS runtime
WORKDIR /app
ARG GIT_COMMIT=unknown
ENV GIT_COMMIT=\${GIT_COMMIT} GREETING="hello from the image"
COPY --from=build /app/services/payments/dist ./services/payments/dist
USER 65532:65532
ENTRYPOINT ["/nodejs/bin/node"]
CMD ["services/payments/dist/server.mjs"]
`;

// The image's processes print which workspace code was bundled in and what they were given.
const SERVER = `import { version } from '@demo/lib';\nconsole.log('server lib=' + version + ' commit=' + process.env.GIT_COMMIT);\n`;
const JOB = `console.log('job args=' + process.argv.slice(2).join(',') + ' greeting=' + process.env.GREETING);\n`;

/** A monorepo like ours: a workspace package linked by npm into node_modules, and esbuild installed. */
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
  write(repo, 'services/payments/src/job.ts', JOB);
  write(repo, 'Dockerfile', DOCKERFILE);
  mkdirSync(join(repo, 'node_modules/@demo'), { recursive: true });
  mkdirSync(join(repo, 'node_modules/.bin'), { recursive: true });
  symlinkSync('../../packages/lib', join(repo, 'node_modules/@demo/lib'));
  symlinkSync(join(workspaceModules, 'esbuild'), join(repo, 'node_modules/esbuild'));
  symlinkSync('../esbuild/bin/esbuild', join(repo, 'node_modules/.bin/esbuild'));
  const first = commit(repo, 'one');
  write(repo, 'packages/lib/index.js', `export const version = 'two';\n`);
  const second = commit(repo, 'two');
  return { repo, first, second };
}

/** Runs a container of the image as the instance runtime and the Jobs do. */
function run(image: ResolvedImage, container: ContainerProcessSpec = {}): string {
  const process_ = containerArgv(image.manifest.config, container, { rootfs: image.rootfs });
  return execFileSync(process_.file, process_.args, {
    cwd: process_.cwd,
    env: { PATH: process.env.PATH, ...process_.env },
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
    // The image config is the Dockerfile's final stage, GIT_COMMIT the build arg `docker build` would get.
    expect(one.manifest.config).toEqual({
      entrypoint: ['/nodejs/bin/node'],
      cmd: ['services/payments/dist/server.mjs'],
      workingDir: '/app',
      env: { GIT_COMMIT: first, GREETING: 'hello from the image' },
      user: '65532:65532',
    });
    // The `$(node -p …)` of the RUN line ran and its output became an esbuild argument.
    expect(one.manifest.bundle.args).toContain('--log-level=warning');
    const two = await registry.build({ tag: 'v2' }); // HEAD
    expect(two.manifest.commit).toBe(second);

    const imageOne = await registry.resolve(
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/payments:git-${first.slice(0, 7)}`,
    );
    const imageTwo = await registry.resolve('payments:v2');
    expect(imageOne.rootfs).toBe(join(repo, '.quickship/registry', `git-${first.slice(0, 7)}`, 'rootfs'));
    // The workspace link points into the build's own tree, third-party packages to the installed copy.
    expect(readlinkSync(join(imageOne.rootfs, 'node_modules/@demo/lib'))).toBe('../../packages/lib');
    expect(lstatSync(join(imageOne.rootfs, 'node_modules/esbuild')).isSymbolicLink()).toBe(true);
    // The image layout: the bundle step wrote dist/ in each build, from that build's own workspace code.
    for (const file of ['server.mjs', 'job.mjs'])
      expect(existsSync(join(imageOne.rootfs, 'services/payments/dist', file))).toBe(true);
    expect(run(imageOne)).toBe(`server lib=one commit=${first}`);
    expect(run(imageTwo)).toBe(`server lib=two commit=${second}`);
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

  it("runs a container's command and args as Kubernetes does, over the Dockerfile's ENTRYPOINT and CMD", async () => {
    const registry = new LocalRegistry({ repoDir: repo });
    await registry.build({ commit: second, tag: 'argv' });
    const image = await registry.resolve('payments:argv');
    // args only: ENTRYPOINT (node) + args, as the migrate Job runs services/payments/dist/migrate.mjs.
    expect(run(image, { args: ['services/payments/dist/job.mjs', 'a'] })).toBe(
      'job args=a greeting=hello from the image',
    );
    // command only: CMD is dropped (the server would print "server …").
    expect(run(image, { command: ['node', 'services/payments/dist/job.mjs'] })).toBe(
      'job args= greeting=hello from the image',
    );
    // command + args, $(VAR) from the container's env, the container's env over the image's ENV.
    expect(
      run(image, {
        command: ['/usr/local/bin/node', 'services/payments/dist/job.mjs'],
        args: ['$(WHO)', '$$(WHO)'],
        env: { WHO: 'me', GREETING: 'from the spec' },
      }),
    ).toBe('job args=me,$(WHO) greeting=from the spec');
  });

  it('refuses a build an older quickship made, and rebuilds it in place of the same commit', async () => {
    const registry = new LocalRegistry({ repoDir: repo });
    const old = join(repo, '.quickship/registry/old');
    mkdirSync(join(old, 'rootfs'), { recursive: true });
    const oldManifest = {
      schemaVersion: 1,
      repository: 'payments',
      tag: 'old',
      commit: first,
      createdAt: new Date(0).toISOString(),
      entrypoint: [],
      cmd: ['node', '--import', 'tsx', 'services/payments/src/server.ts'],
      dependencies: { mode: 'linked', lockfileSha256: '' },
    };
    writeFileSync(join(old, 'manifest.json'), JSON.stringify(oldManifest));
    await expect(registry.resolve('payments:old')).rejects.toBeInstanceOf(ImagePullError);
    await expect(registry.resolve('payments:old')).rejects.toMatchObject({ name: 'OutdatedBuildError', commit: first });
    await expect(registry.resolve('payments:old')).rejects.toThrow(
      /built by an older quickship.*quickship build --tag old --commit/,
    );
    expect((await registry.list()).map((m) => m.tag)).not.toContain('old');
    // Another commit under the old tag is still refused: the tag stays immutable.
    await expect(registry.build({ commit: second, tag: 'old' })).rejects.toBeInstanceOf(TagImmutableError);
    const rebuilt = await registry.build({ commit: first, tag: 'old' });
    expect(rebuilt.created).toBe(true);
    expect(run(await registry.resolve('payments:old'))).toBe(`server lib=one commit=${first}`);
    expect(readdirSync(join(repo, '.quickship/registry')).some((name) => name.startsWith('.outdated-old-'))).toBe(true);
  });

  it('fails a build without a Dockerfile or whose bundle step fails, naming the fix', async () => {
    const registry = new LocalRegistry({ repoDir: repo });
    git(repo, 'rm', '-q', 'Dockerfile');
    const noDockerfile = commit(repo, 'no Dockerfile');
    await expect(registry.build({ commit: noDockerfile })).rejects.toThrow(
      /has no Dockerfile, which defines the payments image/,
    );
    write(repo, 'Dockerfile', DOCKERFILE);
    write(repo, 'services/payments/src/job.ts', 'export const = ;\n');
    const broken = commit(repo, 'broken job');
    const attempt = registry.build({ commit: broken });
    await expect(attempt).rejects.toBeInstanceOf(BuildError);
    await expect(attempt).rejects.toThrow(/bundle step \(line 4, stage build\) failed in esbuild: .*job\.ts/s);
    expect(existsSync(join(repo, '.quickship/registry', `git-${broken.slice(0, 7)}`))).toBe(false);
    write(
      repo,
      'Dockerfile',
      DOCKERFILE.replace('CMD ["services/payments/dist/server.mjs"]', 'CMD ["services/payments/dist/api.mjs"]'),
    );
    write(repo, 'services/payments/src/job.ts', JOB);
    const wrongCmd = commit(repo, 'CMD names a file the bundle does not write');
    await expect(registry.build({ commit: wrongCmd })).rejects.toThrow(
      /default process runs services\/payments\/dist\/api\.mjs, which the Dockerfile's bundle step \(line 4\) did not write/,
    );
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
    const old = commit(small, 'v1');
    write(small, 'package.json', manifest('1.0.1'));
    write(small, 'package-lock.json', lock('1.0.1'));
    commit(small, 'v1.0.1');
    // The step of a build that gets the tree its node_modules (a full build would then need a
    // real esbuild installed by npm ci, i.e. the registry's @esbuild/* packages: not in a unit test).
    const rootfs = tempDir('registry-npm-rootfs');
    await extractCommit(small, old, rootfs);
    const dependencies = await provideDependencies(small, rootfs);
    expect(dependencies.mode).toBe('installed');
    expect(realpathSync(join(rootfs, 'node_modules/dep'))).toBe(realpathSync(join(rootfs, 'dep')));
    expect(readFileSync(join(rootfs, 'package.json'), 'utf8')).toContain('1.0.0');
  }, 60_000);
});
