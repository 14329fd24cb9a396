// Starts a Job's container as a local process from its image, the way instances start: the image
// resolved to its local build, argv by Kubernetes' command/args rules over the image's
// ENTRYPOINT/CMD, the build's tree as working directory, the log under .quickship/logs/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerSpec } from '../model.ts';
import { containerArgv } from '../runtime/command.ts';
import { spawnProcess } from '../runtime/process.ts';
import type { ImageResolver } from '../runtime/registry.ts';
import type { JobLauncher, RunningProcess } from './job-controller.ts';

export function imageJobLauncher(images: ImageResolver, logDir: string): JobLauncher {
  return {
    async start(container: ContainerSpec, env: Record<string, string>, logName: string): Promise<RunningProcess> {
      const image = await images.resolve(container.image);
      // Kubernetes' command/args over the image's ENTRYPOINT/CMD, `node` mapped to this Node (runtime/command.ts).
      const run = containerArgv(image.manifest.config, { ...container, env }, { rootfs: image.rootfs });
      mkdirSync(logDir, { recursive: true });
      const handle = await spawnProcess({
        file: run.file,
        args: run.args,
        cwd: run.cwd,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...run.env },
        logFile: join(logDir, `${logName}.log`),
      });
      return { pid: handle.pid, exited: handle.exited, kill: () => handle.kill() };
    },
  };
}
