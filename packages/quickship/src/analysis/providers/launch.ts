// How a Job's container becomes a local process: the same three steps an instance takes
// (runtime/instance.ts) — resolve the image, apply Kubernetes' command/args over its
// ENTRYPOINT/CMD, spawn in the image's tree with the host's basic env plus the container's.
// Kept to this one function so the image layout can change in one place.
import { join } from 'node:path';
import { containerArgv } from '../../runtime/command.ts';
import { spawnProcess, type ProcessHandle } from '../../runtime/process.ts';
import type { ImageResolver } from '../../runtime/registry.ts';

export interface JobContainer {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
}

export type LaunchContainer = (
  container: JobContainer,
  env: Readonly<Record<string, string>>,
  podName: string,
) => Promise<ProcessHandle>;

export function containerLauncher(images: ImageResolver, logDir: string): LaunchContainer {
  return async (container, env, podName) => {
    const image = await images.resolve(container.image);
    const {
      file,
      args,
      cwd,
      env: imageEnv,
    } = containerArgv(image.manifest.config, { ...container, env }, { rootfs: image.rootfs });
    const host: Record<string, string> = {};
    for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
      const value = process.env[key];
      if (value !== undefined) host[key] = value;
    }
    return spawnProcess({
      file,
      args,
      cwd,
      env: { ...host, ...imageEnv, HOSTNAME: podName },
      logFile: join(logDir, `${podName}.log`),
    });
  };
}
