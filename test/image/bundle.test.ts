// The build stage's bundling step, run for real on this checkout (the exact command from the
// Dockerfile, only --outdir moved), and the runtime stage's file layout assembled from the
// Dockerfile's own COPY lines. Then the image's three entry points run as the cluster runs them:
// migrate (the PreSync Job) on a fresh database, server (the Rollout), smoke (the analysis Job)
// against it. Node here is the development runtime (20), the image runs the LTS in its FROM.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase, dropTestDatabase, MERCHANTS, spawnServer } from '../../services/payments/test/support.ts';
import { assembleImageApp, REPO as repo, type ImageApp } from './assemble.ts';

describe('the image entry points, built by the Dockerfile bundle step', () => {
  // The scratch /app lives under node_modules/.cache so that bare imports resolve from this
  // checkout's node_modules, as they resolve from /app/node_modules in the image.
  const scratch = join(repo, 'node_modules', '.cache', 'quickship-image-test');
  mkdirSync(scratch, { recursive: true });
  const app = mkdtempSync(join(scratch, 'app-'));
  let image: ImageApp | undefined;
  const entry = (name: string): string => image!.entry(name);
  let databaseUrl = '';

  beforeAll(async () => {
    image = assembleImageApp(app);
    databaseUrl = await createEmptyDatabase('image');
  });

  afterAll(async () => {
    rmSync(app, { recursive: true, force: true });
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('writes one bundle per entry point, importing only the payments dependencies', () => {
    const dependencies = Object.keys(
      (
        JSON.parse(readFileSync(join(repo, 'services/payments/package.json'), 'utf8')) as {
          dependencies: Record<string, string>;
        }
      ).dependencies,
    );
    for (const { output } of image!.entries) {
      const code = readFileSync(join(app, output), 'utf8');
      const bare = [...code.matchAll(/^import\s[^'"]*["']([^'"]+)["'];?$/gm)]
        .map((m) => m[1]!)
        .filter((spec) => !spec.startsWith('node:') && !spec.startsWith('.'));
      for (const spec of bare)
        expect(dependencies, `${output} imports ${spec}`).toContain(
          spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0],
        );
      expect(code).not.toMatch(/from ["']@quickship\//); // workspace code is bundled, not imported
      if (output.endsWith('/server.mjs')) expect(bare).toContain('fastify');
    }
  });

  it('migrate, then server, then smoke against it: each as the cluster runs it', async () => {
    const env = { PATH: process.env.PATH, DATABASE_URL: databaseUrl };
    const migrate = spawnSync(process.execPath, [entry('migrate')], {
      cwd: app,
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(migrate.stderr).toBe('');
    expect(migrate.stdout).toMatch(/applied 0001_/);
    expect(migrate.status).toBe(0);

    // The server as the Rollout runs it; spawnServer waits for /readyz 200.
    const server = await spawnServer({
      databaseUrl,
      env: { LOG_LEVEL: 'warn', NODE_ENV: 'production' },
      node: { args: [entry('server')], cwd: app },
      readyTimeoutMs: 20_000,
    });
    try {
      const url = server.url;
      const smoke = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [entry('smoke')], {
          cwd: app,
          env: { PATH: process.env.PATH, TARGET_URL: url, SMOKE_API_KEY: MERCHANTS.acme.key },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.on('close', (code) => resolve({ code, stdout }));
      });
      expect(smoke.stdout).toMatch(/smoke: all \d+ checks passed/);
      expect(smoke.code).toBe(0);
    } finally {
      await server.kill();
    }
    expect(existsSync(join(app, 'services/payments/migrations'))).toBe(true);
  });
});
