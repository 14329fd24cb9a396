// `quickship up` as a real child process (tests and the benchmark): started with free ports, its
// printed URLs parsed, stopped with SIGINT as a user's Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const BIN = resolve(import.meta.dirname, '../../bin/quickship.js');

export interface UpProcess {
  readonly child: ChildProcess;
  readonly api: string;
  readonly active: string;
  readonly preview: string;
  /** The local Prometheus (absent with --no-analysis). */
  readonly prometheus?: string;
  /** Everything it printed so far. */
  output(): string;
  readonly exited: Promise<number | null>;
  /** SIGINT, then wait for the exit code. */
  stop(): Promise<number | null>;
}

export async function startUp(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<UpProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'up', '--active-port', '0', '--preview-port', '0', '--api-port', '0', ...args],
    {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const url = (label: string): string | undefined =>
    new RegExp(`^\\s+${label}\\s+(http://127\\.0\\.0\\.1:\\d+)`, 'm').exec(out)?.[1];
  const deadline = Date.now() + (options.timeoutMs ?? 150_000);
  while (url('API') === undefined) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`quickship up did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    api: url('API')!,
    active: url('active')!,
    preview: url('preview')!,
    ...(url('Prometheus') ? { prometheus: url('Prometheus')! } : {}),
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}
