// Runs the Dockerfile's bundle step (core/image-config.ts `bundleStep`) in a build's tree, which
// stands for the build stage's WORKDIR (/app).
//
// Decision: the esbuild arguments are derived from the RUN line, not the line handed to a shell.
// - Its `$(…)` substitutions (today the `node -p` that lists the payments dependencies as
//   `--external:` flags) do run in /bin/sh, in the tree, with the stage's ARG/ENV, and their output
//   is field-split as sh would: what they compute is not re-implemented here.
// - The program is then esbuild from the tree's node_modules/.bin — the binary
//   `npx --no-install esbuild` resolves to — started directly: npx costs ~0.8 s of npm start-up
//   per build on this machine, three times esbuild's own run.
// - Only a simple command is accepted (words, quotes, $VAR, $(…)); anything else fails the build
//   naming the line, instead of running arbitrary shell the local build has not been checked
//   against.
// `node` in a substitution is the engine's Node (first on PATH), the runtime every revision uses.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { commandSubstitutions, expandFields } from '../core/shell-words.ts';
import type { BundleStep } from '../core/image-config.ts';
import { BuildError } from './errors.ts';

export interface BundleRun {
  /** esbuild's arguments as run (after the substitutions). */
  readonly args: readonly string[];
  readonly seconds: number;
}

export async function runBundleStep(step: BundleStep, rootfs: string, timeoutMs = 120_000): Promise<BundleRun> {
  const started = performance.now();
  const env: Record<string, string> = {
    PATH: [dirname(process.execPath), join(rootfs, 'node_modules', '.bin'), process.env.PATH ?? ''].join(delimiter),
    HOME: process.env.HOME ?? '',
    ...step.env,
  };
  const outputs: string[] = [];
  for (const script of commandSubstitutions(step.args)) {
    outputs.push(await run('/bin/sh', ['-c', script], rootfs, env, timeoutMs, `$(${script.slice(0, 60)}…)`, step));
  }
  let next = 0;
  const args = step.args.flatMap((word) => {
    const count = word.filter((part) => part.kind === 'command').length;
    const fields = expandFields(word, outputs.slice(next, next + count));
    next += count;
    return fields;
  });
  const esbuild = esbuildBinary(rootfs);
  if (!esbuild)
    throw new BuildError(
      `the bundle step (Dockerfile line ${step.line}) runs esbuild, but the build's node_modules has none; install the dependencies (npm ci) and build again`,
    );
  await run(esbuild, args, rootfs, env, timeoutMs, 'esbuild', step);
  return { args, seconds: (performance.now() - started) / 1000 };
}

/** node_modules/.bin/esbuild as npx finds it, else the `esbuild` package's bin (npm links no bins for `file:` links). */
function esbuildBinary(rootfs: string): string | undefined {
  const linked = join(rootfs, 'node_modules', '.bin', 'esbuild');
  if (existsSync(linked)) return linked;
  try {
    const manifest = createRequire(join(rootfs, 'package.json')).resolve('esbuild/package.json');
    const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> }).bin?.esbuild;
    return bin ? join(dirname(manifest), bin) : undefined;
  } catch {
    return undefined;
  }
}

function run(
  file: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
  what: string,
  step: BundleStep,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd, env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const output = `${stdout}${stderr}`.trim().slice(-2000) || error.message;
        reject(
          new BuildError(
            `the Dockerfile's bundle step (line ${step.line}, stage ${step.stage}) failed in ${what}: ${output}\nfix the source or the RUN line, commit, and quickship build again`,
          ),
        );
      },
    );
  });
}
