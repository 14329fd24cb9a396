// The payments image, checked by parsing: no Docker engine runs here, so each property a
// `docker build` or a restricted Pod would trip over is asserted on the Dockerfile itself, and
// the bundling step the build stage runs is executed for real against this checkout.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDockerfile, type DockerInstruction, type DockerStage } from './dockerfile-model.ts';
import { DockerIgnore } from './dockerignore.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const stages = parseDockerfile(readFileSync(join(repo, 'Dockerfile'), 'utf8'));
const dockerignore = new DockerIgnore(readFileSync(join(repo, '.dockerignore'), 'utf8'));
const stageNames = new Set(stages.map((stage) => stage.name).filter(Boolean));
const runtime = stages[stages.length - 1]!;
const WORKDIR = '/app';

function stage(name: string): DockerStage {
  const found = stages.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no stage named ${name}`);
  return found;
}
const all = (keyword: string, within: readonly DockerStage[] = stages): DockerInstruction[] =>
  within.flatMap((candidate) => candidate.instructions.filter((instruction) => instruction.keyword === keyword));

/** The esbuild invocation of the build stage: its entry points (`out=in`) and output folder. */
function bundleStep() {
  const run = all('RUN', [stage('build')]).find((instruction) => /\besbuild\b/.test(instruction.content));
  if (!run) throw new Error('the build stage has no esbuild step');
  const words = run.content.split(/\s+/);
  const outdir = words.find((word) => word.startsWith('--outdir='))?.slice('--outdir='.length);
  const extension = words.find((word) => word.startsWith('--out-extension:.js='))?.split('=')[1] ?? '.js';
  const entries = words.filter((word) => /^\w+=\S+\.ts$/.test(word)).map((word) => {
    const [name, source] = word.split('=') as [string, string];
    return { name, source, output: posix.join(outdir ?? '', name + extension) };
  });
  if (!outdir) throw new Error('the esbuild step has no --outdir');
  return { run, outdir, entries };
}

function workspaceDirs(): string[] {
  const patterns = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
  return patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(repo, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(repo, parent, entry.name, 'package.json')))
      .map((entry) => `${parent}/${entry.name}`);
  });
}

describe('Dockerfile', () => {
  it('is multi-stage: build, production dependencies, runtime', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(stage('build')).toBeDefined();
    expect(stage('deps')).toBeDefined();
    expect(runtime.name).toBe('runtime');
    expect(all('COPY', [runtime]).some((copy) => copy.flags.from === 'build')).toBe(true);
    expect(all('COPY', [runtime]).some((copy) => copy.flags.from === 'deps')).toBe(true);
  });

  it('pins every base image by tag or digest, never latest', () => {
    for (const candidate of stages.filter((s) => !stageNames.has(s.image))) {
      expect(candidate.tag ?? candidate.digest, `${candidate.image} has neither tag nor digest`).toBeTruthy();
      expect(candidate.tag, `${candidate.image} uses latest`).not.toBe('latest');
      expect(candidate.image).not.toMatch(/\$/); // no build-arg-chosen base: what is tested is what ships
    }
  });

  it('runs on a distroless Node LTS with no shell: no RUN or SHELL in the runtime stage', () => {
    const match = /^gcr\.io\/distroless\/nodejs(\d+)-debian\d+$/.exec(runtime.imageName);
    expect(match, runtime.image).not.toBeNull();
    const major = Number(match![1]);
    expect(major % 2, 'Node LTS releases are even majors').toBe(0);
    expect(major).toBeGreaterThanOrEqual(22);
    expect(all('RUN', [runtime])).toEqual([]);
    expect(all('SHELL', [runtime])).toEqual([]);
    // the build stages use the same Node major the runtime runs, and esbuild targets it
    for (const name of ['build', 'deps']) expect(stage(name).image).toMatch(new RegExp(`^node:${major}(\\.\\d+)*-bookworm-slim$`));
    expect(bundleStep().run.content).toContain(`--target=node${major}`);
  });

  it('runs as a numeric non-root user', () => {
    const users = all('USER', [runtime]);
    expect(users.length).toBeGreaterThan(0);
    const [uid, gid] = users[users.length - 1]!.args[0]!.split(':');
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
    if (gid !== undefined) expect(Number(gid)).toBeGreaterThan(0);
    expect(Number(uid)).toBe(65532);
  });

  it('fetches nothing with ADD and carries no secrets', () => {
    for (const add of all('ADD')) expect(add.content, `line ${add.line}`).not.toMatch(/https?:\/\//);
    expect(all('ADD')).toEqual([]); // COPY only: ADD's URL and archive magic is never needed here
    for (const instruction of [...all('ENV'), ...all('ARG')]) {
      expect(instruction.content, `line ${instruction.line}`).not.toMatch(/SECRET|PASSWORD|TOKEN|API_KEY|DATABASE_URL|AWS_/i);
    }
  });

  it('installs production dependencies of the payments workspace only, for the runtime', () => {
    const install = all('RUN', [stage('deps')]).find((run) => /\bnpm ci\b/.test(run.content));
    expect(install?.content).toMatch(/--omit=dev/);
    expect(install?.content).toMatch(/--workspace[= ]@quickship\/payments/);
    const nodeModules = all('COPY', [runtime]).find((copy) => copy.args[0] === `${WORKDIR}/node_modules`);
    expect(nodeModules?.flags.from).toBe('deps');
  });

  it('copies every workspace manifest before npm ci (npm ci checks them all against the lockfile)', () => {
    for (const name of ['build', 'deps']) {
      const copied = all('COPY', [stage(name)]).filter((copy) => !copy.flags.from).flatMap((copy) => copy.args.slice(0, -1));
      for (const dir of workspaceDirs()) expect(copied, `${name} stage`).toContain(`${dir}/package.json`);
      expect(copied).toContain('package-lock.json');
    }
  });

  it('copies only context paths that exist and that .dockerignore keeps', () => {
    const sources = all('COPY').filter((copy) => !copy.flags.from).flatMap((copy) => copy.args.slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(repo, source)), `COPY ${source}: missing in the repository`).toBe(true);
      expect(dockerignore.excludes(source), `COPY ${source}: excluded by .dockerignore`).toBe(false);
    }
  });

  it('copies into the runtime only what an earlier stage produced', () => {
    const { outdir } = bundleStep();
    for (const copy of all('COPY', [runtime])) {
      const from = copy.flags.from;
      expect(from && stageNames.has(from), `line ${copy.line}: COPY into the runtime must come from a stage`).toBe(true);
      const source = posix.relative(WORKDIR, copy.args[0]!);
      const producer = stage(from!);
      if (source === 'node_modules') {
        expect(all('RUN', [producer]).some((run) => /\bnpm ci\b/.test(run.content))).toBe(true);
      } else if (source === outdir || source.startsWith(outdir + '/')) {
        expect(from).toBe('build');
      } else {
        const copiedIn = all('COPY', [producer]).filter((c) => !c.flags.from).some((c) => c.args.slice(0, -1).some((src) => source === src.replace(/\/$/, '') || source.startsWith(src)));
        expect(copiedIn, `${copy.args[0]} is not copied into stage ${from}`).toBe(true);
        expect(existsSync(join(repo, source)) && !dockerignore.excludes(source), `${source} is missing from the build context`).toBe(true);
      }
    }
  });

  it('starts the server by default and names the migrate and smoke bundles the build produces', () => {
    const { entries } = bundleStep();
    expect(entries.map((entry) => entry.name).sort()).toEqual(['migrate', 'server', 'smoke']);
    for (const entry of entries) expect(existsSync(join(repo, entry.source)), `${entry.source} (bundle entry) is missing`).toBe(true);
    const entrypoint = all('ENTRYPOINT', [runtime]).at(-1);
    const cmd = all('CMD', [runtime]).at(-1);
    expect(entrypoint?.execForm && cmd?.execForm).toBe(true);
    expect(entrypoint?.args).toEqual(['/nodejs/bin/node']);
    expect(cmd?.args).toEqual([entries.find((entry) => entry.name === 'server')!.output]);
    expect(all('EXPOSE', [runtime]).flatMap((expose) => expose.args)).toContain('3000');
    expect(all('WORKDIR', [runtime]).at(-1)?.args).toEqual([WORKDIR]);
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, git history, local state, infra and rendered manifests out of the context', () => {
    for (const path of ['node_modules/fastify/package.json', 'services/payments/node_modules/x', '.git/HEAD', '.quickship/pg/PG_VERSION', 'infra/main.tf', 'deploy/apps/payments/rollout.yaml', '.env', 'services/payments/src/app.test.ts']) {
      expect(dockerignore.excludes(path), path).toBe(true);
    }
    for (const path of ['package.json', 'services/payments/src/server.ts', 'packages/infra-policy/package.json']) {
      expect(dockerignore.excludes(path), path).toBe(false);
    }
  });
});

describe('the build stage bundle step, run for real', () => {
  // Output lands under node_modules/.cache so the bundles resolve their external packages from
  // this checkout's node_modules, as they do from /app/node_modules in the image.
  const scratch = join(repo, 'node_modules', '.cache', 'quickship-image-test');
  mkdirSync(scratch, { recursive: true });
  const outRoot = mkdtempSync(join(scratch, 'build-'));
  afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

  it('produces the three entry points, which load with only the payments dependencies external', () => {
    const { run, outdir, entries } = bundleStep();
    const target = join(outRoot, outdir);
    const command = run.content.replace(`--outdir=${outdir}`, `--outdir=${target}`);
    const build = spawnSync('bash', ['-euo', 'pipefail', '-c', command], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
    expect(build.status, build.stderr).toBe(0);
    for (const entry of entries) expect(existsSync(join(outRoot, entry.output)), entry.output).toBe(true);

    // No TARGET_URL: the smoke bundle must load and refuse with its usage message (exit 2).
    const smoke = spawnSync(process.execPath, [join(outRoot, outdir, 'smoke.mjs')], { encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH } });
    expect(smoke.stderr).toContain('TARGET_URL is not set');
    expect(smoke.status).toBe(2);

    // Server and migrate must at least resolve every import (they then stop on the missing DATABASE_URL).
    for (const name of ['server', 'migrate']) {
      const child = spawnSync(process.execPath, [join(outRoot, outdir, `${name}.mjs`)], { encoding: 'utf8', timeout: 10_000, env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1' } });
      expect(child.stderr, name).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (package|module)|ERR_UNKNOWN_FILE_EXTENSION/);
      expect(child.signal, `${name} did not stop without DATABASE_URL`).toBeNull();
    }
  });
});
