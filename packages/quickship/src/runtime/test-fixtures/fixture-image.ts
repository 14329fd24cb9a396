// Test helpers: an "image" whose process is the fixture server, and a container spec for it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@quickship/pglocal';
import type { ContainerSpec, HttpProbe } from '../../model.ts';
import type { ImageResolver, ResolvedImage } from '../registry.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** Resolves any image to `node server.mjs` in this folder (its /app), like a registry that has every tag. */
export const fixtureImages: ImageResolver = {
  resolve(image: string): Promise<ResolvedImage> {
    return Promise.resolve({
      image,
      rootfs: here,
      manifest: {
        schemaVersion: 2,
        repository: 'fixture',
        tag: 'test',
        commit: '0000000000000000000000000000000000000000',
        createdAt: new Date(0).toISOString(),
        // As a distroless Node image: node is the ENTRYPOINT, the script the CMD; WORKDIR is this folder.
        config: { entrypoint: ['/nodejs/bin/node'], cmd: ['server.mjs'], workingDir: '/app', env: {} },
        bundle: { line: 0, args: [], seconds: 0 },
        dependencies: { mode: 'linked', lockfileSha256: '' },
      },
    });
  },
};

/** A fast httpGet probe for tests (every 50 ms). */
export function fastProbe(path: string, overrides: Partial<HttpProbe> = {}): HttpProbe {
  return {
    path,
    port: 8080,
    initialDelaySeconds: 0,
    periodSeconds: 0.05,
    timeoutSeconds: 0.5,
    successThreshold: 1,
    failureThreshold: 2,
    ...overrides,
  };
}

export function fixtureContainer(overrides: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    name: 'app',
    image: 'payments:test',
    env: [],
    ports: [{ name: 'http', containerPort: 8080 }],
    readinessProbe: fastProbe('/readyz'),
    ...overrides,
  };
}

const tempDirs: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `quickship-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** Removes every folder tempDir made in this test file (call from afterAll, after processes stopped). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Polls `check` until it is truthy or `timeoutMs` passes; returns its last value. */
export async function waitFor<T>(check: () => T, timeoutMs = 5000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface FixtureProcess {
  readonly name: string;
  readonly port: number;
  /** The process's stdout so far (its "event …" lines). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the fixture server directly (no Instance), for router tests; resolves once it listens. */
export async function startFixture(name: string, env: Record<string, string> = {}): Promise<FixtureProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(here, 'server.mjs')], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOSTNAME: name, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => output.includes('event listening'), 5000, `${name} listening`);
  return {
    name,
    port,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
