// One instance of a build, started as the engine would start it (launch.ts), on a loopback port,
// against a given database; ready when /readyz answers 200. Also the build's smoke run.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freePort } from '@quickship/pglocal';
import type { ResolvedImage } from '../../runtime/registry.ts';
import { serverCommand, smokeCommand } from './launch.ts';

export interface RunningInstance {
  readonly url: string;
  readonly apiKey: string;
  /** What the process printed (for the error when it never became ready). */
  output(): string;
  stop(): Promise<void>;
}

export class InstanceNotReadyError extends Error {
  constructor(
    readonly image: string,
    readonly detail: string,
  ) {
    super(`${image} did not become ready on the new schema: ${detail}`);
    this.name = 'InstanceNotReadyError';
  }
}

function baseEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production' };
}

export async function startInstance(
  image: ResolvedImage,
  databaseUrl: string,
  options: { readonly readyTimeoutMs?: number } = {},
): Promise<RunningInstance> {
  const port = await freePort();
  const apiKey = `sk_test_compat_${randomBytes(12).toString('hex')}`;
  const { file, args } = serverCommand(image);
  const child = spawn(file, [...args], {
    cwd: image.rootfs,
    env: {
      ...baseEnv(),
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      HOSTNAME: 'compat-check',
      PAYMENTS_API_KEYS: `compat_check:${apiKey}`,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new InstanceNotReadyError(
        image.image,
        `the process exited (${child.exitCode ?? child.signalCode}): ${output.trim().slice(-1500)}`,
      );
    }
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
      const body = await response.text();
      if (response.status === 200) return { url, apiKey, output: () => output, stop };
      last = `/readyz ${response.status}: ${body.slice(0, 500)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new InstanceNotReadyError(image.image, last);
}

export interface SmokeOutcome {
  readonly passed: boolean;
  /** `FAIL <check>: <detail>` lines. */
  readonly failures: readonly string[];
  readonly output: string;
}

/** The build's own smoke checks against the instance (exit 0 only when every check passed). */
export function runSmoke(image: ResolvedImage, instance: RunningInstance, timeoutMs = 60_000): Promise<SmokeOutcome> {
  const { file, args } = smokeCommand(image);
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      {
        cwd: image.rootfs,
        env: { ...baseEnv(), TARGET_URL: instance.url, SMOKE_API_KEY: instance.apiKey },
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 4 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trim();
        const failures = output.split('\n').filter((line) => line.startsWith('FAIL'));
        resolve({ passed: !error && failures.length === 0, failures, output });
      },
    );
  });
}
