// The process a container runs, from its image config and its spec, by Kubernetes' rules
// (kubelet ExpandContainerCommandAndArgs, then the CRI runtime's WithProcessArgs, which follows
// Docker's):
//   command and args unset (or empty) -> ENTRYPOINT + CMD
//   command only                      -> command            (CMD dropped)
//   args only                         -> ENTRYPOINT + args
//   both                              -> command + args
// `$(VAR)` in command and args expands from the container's env (an unknown name stays as written,
// `$$` is a literal `$`), as the kubelet does; the image's ENV is not used for it.
// Local mapping: the image's WORKDIR is the build's rootfs, so the working directory (the image's
// or the container's `workingDir`) maps into it; an executable named `node` (the distroless
// `/nodejs/bin/node`, or any other path) runs as the engine's Node binary, so every revision uses
// one runtime; the env is the image's ENV overridden by the container's.
// Pure (no fs/child_process): the caller spawns.
import { UserError } from '../errors.ts';
import { posix, join } from 'node:path';
import type { ImageConfig } from '../core/image-config.ts';

export interface ContainerProcess {
  /** The executable: the engine's Node for `node`, else as written. */
  readonly file: string;
  readonly args: readonly string[];
  /** Absolute local folder: the image's (or the container's) working directory inside the rootfs. */
  readonly cwd: string;
  /** Image ENV, then the container's env over it. The host's PATH/HOME are the caller's business. */
  readonly env: Readonly<Record<string, string>>;
}

/** The container fields that decide the process (Kubernetes core/v1 Container). */
export interface ContainerProcessSpec {
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly workingDir?: string;
  /** The container's env, already resolved (valueFrom done by the caller). */
  readonly env?: Readonly<Record<string, string>>;
}

/** A path the container needs lies outside the image's WORKDIR, which is all a local build holds. */
export class ContainerPathError extends UserError {
  override readonly fix: string;
  constructor(
    readonly path: string,
    readonly workingDir: string,
  ) {
    const fix = `use a workingDir inside ${workingDir} (or leave it unset)`;
    super(
      `workingDir "${path}" is outside the image's WORKDIR ${workingDir}, the only folder a local build holds; ${fix}`,
    );
    this.fix = fix;
    this.name = 'ContainerPathError';
  }
}

/** A container whose image has no ENTRYPOINT/CMD and whose spec sets neither command nor args. */
export class NoContainerCommandError extends UserError {
  override readonly fix = "set the container's command (or args), or an ENTRYPOINT/CMD in the Dockerfile";
  constructor() {
    super('the container has no command: the image has no ENTRYPOINT/CMD and the spec sets neither command nor args');
    this.name = 'NoContainerCommandError';
  }
}

export function containerArgv(
  image: ImageConfig,
  container: ContainerProcessSpec,
  local: { readonly rootfs: string; readonly nodeBinary?: string },
): ContainerProcess {
  const env = container.env ?? {};
  const command = container.command?.length ? container.command.map((s) => expandReferences(s, env)) : undefined;
  const args = container.args?.length ? container.args.map((s) => expandReferences(s, env)) : undefined;
  const argv = command ? [...command, ...(args ?? [])] : [...image.entrypoint, ...(args ?? image.cmd)];
  const [file, ...rest] = argv;
  if (file === undefined) throw new NoContainerCommandError();
  return {
    file: posix.basename(file) === 'node' ? (local.nodeBinary ?? process.execPath) : file,
    args: rest,
    cwd: localPath(container.workingDir ?? image.workingDir, image.workingDir, local.rootfs),
    env: { ...image.env, ...env },
  };
}

/** An image path inside the image's WORKDIR, as a path inside the rootfs. */
function localPath(path: string, workingDir: string, rootfs: string): string {
  const absolute = posix.resolve(workingDir, path);
  const inside = posix.relative(workingDir, absolute);
  if (inside.startsWith('..')) throw new ContainerPathError(path, workingDir);
  return inside === '' ? rootfs : join(rootfs, ...inside.split('/'));
}

/** The kubelet's `$(VAR)` expansion (third_party/forked/golang/expansion). */
export function expandReferences(input: string, env: Readonly<Record<string, string>>): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c !== '$' || i + 1 >= input.length) {
      out += c;
      continue;
    }
    const next = input[i + 1]!;
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += '$(';
        i++;
      } else {
        const name = input.slice(i + 2, close);
        out += Object.hasOwn(env, name) ? env[name] : `$(${name})`;
        i = close;
      }
    } else {
      out += `$${next}`;
      i++;
    }
  }
  return out;
}
