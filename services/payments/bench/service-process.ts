// Runs the real payments service as a child process (`node --import tsx src/server.ts`: one
// process, so SIGTERM reaches the server itself, as in a container), waits for /readyz.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const SERVICE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = join(SERVICE_ROOT, '..', '..');

export class ServiceStartError extends Error {
  constructor(what: string, output: string) {
    super(`payments service ${what}; its output:\n${output.slice(-3000)}`);
    this.name = 'ServiceStartError';
  }
}

export interface ServiceProcess {
  readonly origin: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited, with its exit code (null when killed by a signal). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it printed so far. */
  output(): string;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<void>;
}

/** Runs a TypeScript entry of the service with tsx, in the repository root, and returns the child. */
function spawnTs(entry: string, env: Readonly<Record<string, string>>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(SERVICE_ROOT, entry)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export async function startService(port: number, env: Readonly<Record<string, string>>, readyTimeoutMs = 30_000): Promise<ServiceProcess> {
  const child = spawnTs('src/server.ts', { HOST: '127.0.0.1', PORT: String(port), ...env });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let gone = false;
  void exited.then(() => (gone = true));
  const origin = `http://127.0.0.1:${port}`;
  const service: ServiceProcess = {
    origin,
    child,
    exited,
    output: () => output,
    hasExited: () => gone,
    async stop(graceMs = 10_000) {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new ServiceStartError('exited before it became ready', output);
    const ready = await fetch(`${origin}/readyz`).then((r) => r.status === 200, () => false);
    if (ready) return service;
    await sleep(100);
  }
  await service.stop(1000);
  throw new ServiceStartError(`was not ready within ${readyTimeoutMs} ms at ${origin}/readyz`, output);
}
