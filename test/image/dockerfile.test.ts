// The payments image, checked by parsing: no Docker engine runs here, so each property a
// `docker build` or a restricted Pod would trip over is asserted on the Dockerfile itself.
// (bundle.test.ts runs the build stage's bundling step and the resulting entry points for real.)
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  bundleStep,
  instructions,
  parseDockerfile,
  stageNamed,
  type BundleStep,
  type DockerInstruction,
  type DockerStage,
} from './dockerfile-model.ts';
import { DockerIgnore } from './dockerignore.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const stages = parseDockerfile(readFileSync(join(repo, 'Dockerfile'), 'utf8'));
const dockerignore = new DockerIgnore(readFileSync(join(repo, '.dockerignore'), 'utf8'));
const stageNames = new Set(stages.map((stage) => stage.name).filter(Boolean));
const runtime = stages[stages.length - 1]!;
const WORKDIR = '/app';

const stage = (name: string): DockerStage => stageNamed(stages, name);
const all = (keyword: string, within: readonly DockerStage[] = stages): DockerInstruction[] =>
  instructions(keyword, within);
const bundle = (): BundleStep => bundleStep(stages);

function workspaceDirs(): string[] {
  const patterns = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { workspaces: string[] })
    .workspaces;
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
    for (const name of ['build', 'deps'])
      expect(stage(name).image).toMatch(new RegExp(`^node:${major}(\\.\\d+)*-bookworm-slim$`));
    expect(bundle().run.content).toContain(`--target=node${major}`);
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
      expect(instruction.content, `line ${instruction.line}`).not.toMatch(
        /SECRET|PASSWORD|TOKEN|API_KEY|DATABASE_URL|AWS_/i,
      );
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
      const copied = all('COPY', [stage(name)])
        .filter((copy) => !copy.flags.from)
        .flatMap((copy) => copy.args.slice(0, -1));
      for (const dir of workspaceDirs()) expect(copied, `${name} stage`).toContain(`${dir}/package.json`);
      expect(copied).toContain('package-lock.json');
    }
  });

  it('copies only context paths that exist and that .dockerignore keeps', () => {
    const sources = all('COPY')
      .filter((copy) => !copy.flags.from)
      .flatMap((copy) => copy.args.slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(repo, source)), `COPY ${source}: missing in the repository`).toBe(true);
      expect(dockerignore.excludes(source), `COPY ${source}: excluded by .dockerignore`).toBe(false);
    }
  });

  it('copies into the runtime only what an earlier stage produced', () => {
    const { outdir } = bundle();
    for (const copy of all('COPY', [runtime])) {
      const from = copy.flags.from;
      expect(from && stageNames.has(from), `line ${copy.line}: COPY into the runtime must come from a stage`).toBe(
        true,
      );
      const source = posix.relative(WORKDIR, copy.args[0]!);
      const producer = stage(from!);
      if (source === 'node_modules') {
        expect(all('RUN', [producer]).some((run) => /\bnpm ci\b/.test(run.content))).toBe(true);
      } else if (source === outdir || source.startsWith(outdir + '/')) {
        expect(from).toBe('build');
      } else {
        const copiedIn = all('COPY', [producer])
          .filter((c) => !c.flags.from)
          .some((c) => c.args.slice(0, -1).some((src) => source === src.replace(/\/$/, '') || source.startsWith(src)));
        expect(copiedIn, `${copy.args[0]} is not copied into stage ${from}`).toBe(true);
        expect(
          existsSync(join(repo, source)) && !dockerignore.excludes(source),
          `${source} is missing from the build context`,
        ).toBe(true);
      }
    }
  });

  it('starts the server by default and names the migrate and smoke bundles the build produces', () => {
    const { entries } = bundle();
    expect(entries.map((entry) => entry.name).sort()).toEqual(['migrate', 'server', 'smoke']);
    for (const entry of entries)
      expect(existsSync(join(repo, entry.source)), `${entry.source} (bundle entry) is missing`).toBe(true);
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
    for (const path of [
      'node_modules/fastify/package.json',
      'services/payments/node_modules/x',
      '.git/HEAD',
      '.quickship/pg/PG_VERSION',
      'infra/main.tf',
      'deploy/apps/payments/rollout.yaml',
      '.env',
      'services/payments/src/app.test.ts',
    ]) {
      expect(dockerignore.excludes(path), path).toBe(true);
    }
    for (const path of ['package.json', 'services/payments/src/server.ts', 'packages/infra-policy/package.json']) {
      expect(dockerignore.excludes(path), path).toBe(false);
    }
  });
});

describe('the rendered manifests run what the image holds', () => {
  const deployFiles = existsSync(join(repo, 'deploy'))
    ? (readdirSync(join(repo, 'deploy'), { recursive: true }) as string[]).filter((file) => file.endsWith('.yaml'))
    : [];
  const texts = deployFiles.map((file) => readFileSync(join(repo, 'deploy', file), 'utf8'));

  it.skipIf(deployFiles.length === 0)(
    'every entry point a Job or AnalysisTemplate names is a bundle the build stage writes',
    () => {
      const outputs = bundle().entries.map((entry) => entry.output);
      const named = new Set(
        texts.flatMap((text) => [...text.matchAll(/services\/payments\/dist\/[\w.-]+/g)].map((m) => m[0])),
      );
      expect([...named].sort()).toEqual(outputs.filter((output) => !output.endsWith('/server.mjs')).sort());
    },
  );

  it.skipIf(deployFiles.length === 0)("every pod runs as the image's USER", () => {
    const [uid, gid] = all('USER', [runtime]).at(-1)!.args[0]!.split(':');
    const users = new Set(texts.flatMap((text) => [...text.matchAll(/runAsUser: (\d+)/g)].map((m) => m[1])));
    const groups = new Set(texts.flatMap((text) => [...text.matchAll(/runAsGroup: (\d+)/g)].map((m) => m[1])));
    expect([...users]).toEqual([uid]);
    expect([...groups]).toEqual([gid]);
  });
});
