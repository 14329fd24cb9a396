// What a Dockerfile makes of its stages, read the way the builder records it (buildkit
// dockerfile2llb dispatch*): the final stage's image config (Entrypoint, Cmd, WorkingDir, Env,
// User) and, for the local build, the build stage's bundle step (the `esbuild` RUN line).
// Rules followed:
// - ENV values and ARG defaults are substituted with the ARG/ENV values in scope before the
//   instruction (all pairs of one ENV see the values before it); ENV wins over an ARG of the same
//   name; an ARG is in scope from its declaration to the end of its stage; a global ARG (before
//   the first FROM) must be redeclared in a stage to be used there; `--build-arg` values
//   (`buildArgs`) override declared defaults, undeclared ones are ignored.
// - WORKDIR: relative paths resolve against the previous WORKDIR; default "/".
// - CMD/ENTRYPOINT: the last one of the stage wins; the shell form becomes [...SHELL, text]
//   (SHELL default ["/bin/sh", "-c"]); an ENTRYPOINT clears a CMD that the stage did not set.
// - A stage built FROM an earlier stage starts from that stage's config.
// Known limit: a base image's own config (distroless sets User, WorkingDir, Env PATH…) is not
// read locally: what the Dockerfile does not set is the default above, and `node` comes from the
// engine (see runtime/command.ts).
import { posix } from 'node:path';
import { argDeclarations, splitAssignments, type Dockerfile, type DockerfileStage } from './dockerfile.ts';
import { DockerfileError } from './dockerfile-errors.ts';
import { dockerWord, shellCommand, type Word } from './shell-words.ts';

/** The image config a container starts from (OCI image config: Entrypoint, Cmd, WorkingDir, Env, User). */
export interface ImageConfig {
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly workingDir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly user?: string;
}

/** The build stage's esbuild RUN line, read as sh reads it (see shell-words.ts). */
export interface BundleStep {
  /** Stage name (or its index) and line, for messages. */
  readonly stage: string;
  readonly line: number;
  /** The RUN line as written, continuations joined. */
  readonly run: string;
  /** The stage's WORKDIR at the RUN: the folder the command runs in. */
  readonly workingDir: string;
  /** ARG and ENV values in scope at the RUN (a RUN sees both as environment variables). */
  readonly env: Readonly<Record<string, string>>;
  /** The words after the `esbuild` program (`npx --no-install esbuild` or `esbuild`), `$(…)` not yet run. */
  readonly args: readonly Word[];
}

interface StageState {
  entrypoint: readonly string[];
  cmd: readonly string[];
  cmdSet: boolean;
  workingDir: string;
  env: Record<string, string>;
  user: string | undefined;
  shell: readonly string[];
  args: Record<string, string>;
}

const DEFAULT_SHELL = ['/bin/sh', '-c'];
const ESBUILD_PROGRAMS = [['npx', '--no-install', 'esbuild'], ['npx', '--no', 'esbuild'], ['esbuild']];

/** The final stage's config: what `docker inspect` shows under Config for the image. */
export function imageConfig(dockerfile: Dockerfile, buildArgs: Readonly<Record<string, string>> = {}): ImageConfig {
  const states = evaluate(dockerfile, buildArgs);
  const final = states[states.length - 1]!;
  return {
    entrypoint: final.state.entrypoint,
    cmd: final.state.cmd,
    workingDir: final.state.workingDir,
    env: final.state.env,
    ...(final.state.user === undefined ? {} : { user: final.state.user }),
  };
}

/**
 * The one RUN line of an earlier stage that runs esbuild. The local build runs it in the build's
 * tree, which stands for both that stage's WORKDIR and the final stage's, so the two must agree.
 */
export function bundleStep(dockerfile: Dockerfile, buildArgs: Readonly<Record<string, string>> = {}): BundleStep {
  const states = evaluate(dockerfile, buildArgs);
  const found = states.slice(0, -1).flatMap(({ runs }) => runs.filter((run) => /(^|[\s/"'])esbuild\b/.test(run.run)));
  if (found.length !== 1)
    throw new DockerfileError(
      found.length === 0
        ? 'the Dockerfile has no bundle step (a RUN line of a build stage that runs esbuild)'
        : `the Dockerfile has ${found.length} RUN lines that run esbuild (lines ${found.map((f) => f.line).join(', ')})`,
      'keep exactly one `RUN npx --no-install esbuild …` line in the build stage',
    );
  const step = found[0]!;
  const finalDir = states[states.length - 1]!.state.workingDir;
  if (step.workingDir !== finalDir)
    throw new DockerfileError(
      `line ${step.line}: the bundle step runs in WORKDIR ${step.workingDir} but the final stage's WORKDIR is ${finalDir}`,
      'use one WORKDIR for the build and the runtime stage (the local build has one tree for both)',
    );
  if (step.shell.join(' ') !== DEFAULT_SHELL.join(' '))
    throw new DockerfileError(
      `line ${step.line}: the bundle step runs under SHELL ${JSON.stringify(step.shell)}`,
      'run it under the default /bin/sh -c',
    );
  const words = step.exec
    ? step.exec.map((arg): Word => [{ kind: 'literal', value: arg }])
    : shellCommand(step.run, step.env, `line ${step.line} RUN`);
  const literal = words.map((word) =>
    word.every((part) => part.kind === 'literal') ? word.map((p) => p.value).join('') : undefined,
  );
  const program = ESBUILD_PROGRAMS.find((prefix) => prefix.every((word, i) => literal[i] === word));
  if (!program)
    throw new DockerfileError(
      `line ${step.line}: the bundle step "${step.run.slice(0, 60)}…" does not start with ${ESBUILD_PROGRAMS.map((p) => `"${p.join(' ')}"`).join(' or ')}`,
      'start the RUN line with `npx --no-install esbuild`, the esbuild installed with the dependencies',
    );
  return {
    stage: step.stage,
    line: step.line,
    run: step.run,
    workingDir: step.workingDir,
    env: step.env,
    args: words.slice(program.length),
  };
}

interface RunLine {
  readonly stage: string;
  readonly line: number;
  readonly run: string;
  readonly exec?: readonly string[];
  readonly workingDir: string;
  readonly env: Record<string, string>;
  readonly shell: readonly string[];
}

function evaluate(
  dockerfile: Dockerfile,
  buildArgs: Readonly<Record<string, string>>,
): { name?: string; state: StageState; runs: RunLine[] }[] {
  const { escape } = dockerfile;
  const globals: Record<string, string> = {};
  for (const instruction of dockerfile.globalArgs)
    for (const [name, value] of argDeclarations(instruction, globals, escape)) {
      const chosen = buildArgs[name] ?? value;
      if (chosen !== undefined) globals[name] = chosen;
    }
  const done: { name?: string; state: StageState; runs: RunLine[] }[] = [];
  dockerfile.stages.forEach((stage: DockerfileStage, index) => {
    const parent = done.find(
      (candidate) => candidate.name !== undefined && candidate.name === stage.from.toLowerCase(),
    );
    const state: StageState = parent
      ? { ...parent.state, env: { ...parent.state.env }, args: {}, cmdSet: false }
      : {
          entrypoint: [],
          cmd: [],
          cmdSet: false,
          workingDir: '/',
          env: {},
          user: undefined,
          shell: DEFAULT_SHELL,
          args: {},
        };
    const runs: RunLine[] = [];
    const label = stage.name ?? String(index);
    for (const instruction of stage.instructions) {
      const scope = { ...state.args, ...state.env };
      const where = `line ${instruction.line} ${instruction.keyword}`;
      switch (instruction.keyword) {
        case 'ARG':
          for (const [name, value] of argDeclarations(instruction, scope, escape)) {
            const chosen = buildArgs[name] ?? value ?? globals[name];
            if (chosen !== undefined) state.args[name] = chosen;
          }
          break;
        case 'ENV':
          Object.assign(state.env, envPairs(instruction.text, scope, escape, where));
          break;
        case 'WORKDIR':
          state.workingDir = posix.resolve(state.workingDir, dockerWord(instruction.text, scope, escape, where));
          break;
        case 'USER':
          state.user = dockerWord(instruction.text, scope, escape, where);
          break;
        case 'SHELL':
          if (!instruction.exec)
            throw new DockerfileError(`${where}: SHELL must be a JSON array`, 'write SHELL ["/bin/sh", "-c"]');
          state.shell = instruction.exec;
          break;
        case 'ENTRYPOINT':
          state.entrypoint = instruction.exec ?? [...state.shell, instruction.text];
          if (!state.cmdSet) state.cmd = [];
          break;
        case 'CMD':
          state.cmd = instruction.exec ?? [...state.shell, instruction.text];
          state.cmdSet = true;
          break;
        case 'RUN':
          runs.push({
            stage: label,
            line: instruction.line,
            run: instruction.text,
            ...(instruction.exec ? { exec: instruction.exec } : {}),
            workingDir: state.workingDir,
            env: scope,
            shell: state.shell,
          });
          break;
        default:
          break; // COPY, EXPOSE, LABEL…: not part of what a container runs locally.
      }
    }
    done.push({ ...(stage.name === undefined ? {} : { name: stage.name }), state, runs });
  });
  return done;
}

/** `ENV a=1 b="x y"` or the legacy `ENV key value with blanks`. */
function envPairs(
  text: string,
  scope: Readonly<Record<string, string>>,
  escape: string,
  where: string,
): Record<string, string> {
  const words = splitAssignments(text);
  const pairs: Record<string, string> = {};
  if (words.length > 0 && !words[0]!.includes('=')) {
    const key = words[0]!;
    pairs[key] = dockerWord(text.trim().slice(key.length), scope, escape, where);
    return pairs;
  }
  for (const word of words) {
    const equals = word.indexOf('=');
    if (equals <= 0)
      throw new DockerfileError(`${where}: "${word}" is not key=value`, 'write ENV key=value [key=value…]');
    pairs[word.slice(0, equals)] = dockerWord(word.slice(equals + 1), scope, escape, where);
  }
  return pairs;
}
