// The image's /app, assembled on this machine from the Dockerfile itself: the build stage's
// esbuild step (only --outdir moved) and the runtime stage's other COPY --from=build lines
// (package.json, migrations). Used by the bundle test and by the payments benchmark, which
// measures the service as the image runs it (`node services/payments/dist/server.mjs`).
// The folder must sit inside this checkout's node_modules tree (e.g. node_modules/.cache) so
// bare imports resolve from node_modules, as they resolve from /app/node_modules in the image.
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleStep, instructions, parseDockerfile } from './dockerfile-model.ts';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WORKDIR = '/app';

export interface ImageApp {
  readonly dir: string;
  /** The entry points the esbuild step writes (name, source, output relative to the app folder). */
  readonly entries: ReturnType<typeof bundleStep>['entries'];
  /** The bundled file of an entry point (server, migrate, smoke). */
  entry(name: string): string;
}

export function assembleImageApp(dir: string): ImageApp {
  const stages = parseDockerfile(readFileSync(join(REPO, 'Dockerfile'), 'utf8'));
  const runtime = stages[stages.length - 1]!;
  const { run, outdir, entries } = bundleStep(stages);
  const build = spawnSync(
    'bash',
    ['-euo', 'pipefail', '-c', run.content.replace(`--outdir=${outdir}`, `--outdir=${join(dir, outdir)}`)],
    { cwd: REPO, encoding: 'utf8', timeout: 60_000 },
  );
  if (build.status !== 0)
    throw new Error(`the Dockerfile's esbuild step failed (exit ${build.status}):\n${build.stderr}`);
  for (const copy of instructions('COPY', [runtime]).filter((c) => c.flags.from === 'build')) {
    const source = posix.relative(WORKDIR, copy.args[0]!);
    if (source === outdir || source.startsWith(`${outdir}/`)) continue;
    cpSync(join(REPO, source), join(dir, posix.relative(WORKDIR, posix.join(WORKDIR, copy.args[1]!))), {
      recursive: true,
    });
  }
  return {
    dir,
    entries,
    entry(name) {
      const found = entries.find((e) => e.name === name);
      if (!found)
        throw new Error(
          `the Dockerfile's esbuild step has no entry point '${name}' (it has: ${entries.map((e) => e.name).join(', ')})`,
        );
      return join(dir, found.output);
    },
  };
}
