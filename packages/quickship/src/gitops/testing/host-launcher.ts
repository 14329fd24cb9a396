// Test support: a JobLauncher that runs the container's `command` + `args` as a host process
// (real processes, no image): for controller tests whose Jobs are plain `node -e …` commands.
// The engine's launcher (engine/job-launcher.ts) resolves images instead.
import { spawn } from 'node:child_process';
import type { JobLauncher } from '../../engine/job-controller.ts';

export const hostLauncher: JobLauncher = {
  start(container, env) {
    const [file, ...args] = [...(container.command ?? []), ...(container.args ?? [])];
    if (!file) return Promise.reject(new Error('the test Job needs a command'));
    const child = spawn(file === 'node' ? process.execPath : file, args, {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'ignore',
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    return new Promise((resolve, reject) => {
      child.once('spawn', () => resolve({ pid: child.pid ?? 0, exited, kill: () => child.kill('SIGKILL') }));
      child.once('error', reject);
    });
  },
};
