// `npm run bench:image -w @quickship/cli`: what building the image layout costs and what running
// the bundle instead of tsx gains, each against its baseline measured in the same run.
//   1. Build: the previous build (git archive of HEAD + node_modules linked, no bundle step) vs
//      today's `LocalRegistry.build` (the same + the Dockerfile's bundle step + image config),
//      interleaved rounds on this checkout, into a scratch registry.
//   2. Instance start → ready: in one build's rootfs, the previous image command
//      (`node --import tsx services/payments/src/server.ts`) vs the image's own
//      (containerArgv: `node services/payments/dist/server.mjs`), from spawn to the first
//      GET /readyz 200 (polled every 10 ms), against a private PostgreSQL, interleaved; each with
//      the env it gets (today's adds the image ENV, NODE_OPTIONS=--enable-source-maps included).
// Env: BENCH_ROUNDS (7). Prints medians, maxima and the ratio today / before.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort, startPostgres } from '@quickship/pglocal';
import { containerArgv } from '../src/runtime/command.ts';
import { provideDependencies } from '../src/runtime/dependencies.ts';
import { extractCommit, resolveCommit } from '../src/runtime/git.ts';
import { LocalRegistry, type ResolvedImage } from '../src/runtime/registry.ts';
import { CHECKOUT } from '../test/helpers/repo.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const API_KEYS = 'acme:sk_test_bench_0123456789abcdef';

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const step = (line: string): void => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** The build as it was before the bundle step: the commit's tree and its linked node_modules. */
async function previousBuild(commit: string, dir: string): Promise<void> {
  const rootfs = join(dir, 'rootfs');
  await mkdir(rootfs, { recursive: true });
  await extractCommit(CHECKOUT, commit, rootfs);
  await provideDependencies(CHECKOUT, rootfs);
}

async function startToReady(
  file: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(file, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode} before ready`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`)
        .then((response) => response.status === 200)
        .catch(() => false);
      if (ok) return performance.now() - started;
      if (performance.now() - started > 60_000) throw new Error(`${args.join(' ')} not ready after 60 s`);
      await delay(10);
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

function report(what: string, before: readonly number[], after: readonly number[], unit = 'ms'): void {
  const fmt = (values: readonly number[]) =>
    `median ${median(values).toFixed(0)} ${unit}, max ${Math.max(...values).toFixed(0)} ${unit}`;
  console.log(`${what}`);
  console.log(`  before: ${fmt(before)}`);
  console.log(`  today:  ${fmt(after)}`);
  console.log(`  ratio today/before (medians): ${(median(after) / median(before)).toFixed(2)}`);
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'quickship-bench-image-'));
  chmodSync(work, 0o755);
  const cleanups: (() => Promise<unknown>)[] = [async () => rmSync(work, { recursive: true, force: true })];
  try {
    const commit = await resolveCommit(CHECKOUT, 'HEAD');
    step(`1/2 builds of ${commit.slice(0, 12)}, ${ROUNDS} interleaved rounds`);
    const before: number[] = [];
    const after: number[] = [];
    let image: ResolvedImage | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      const previous = join(work, `previous-${round}`);
      before.push(await timed(() => previousBuild(commit, previous)));
      await rm(previous, { recursive: true, force: true });
      const registry = new LocalRegistry({ repoDir: CHECKOUT, registryDir: join(work, `registry-${round}`) });
      after.push(await timed(() => registry.build({ commit, tag: 'bench' })));
      if (round === 0) image = await registry.resolve('payments:bench');
      else await rm(registry.registryDir, { recursive: true, force: true });
    }
    report('quickship build (git archive + linked node_modules [+ bundle step + image config])', before, after);

    step('2/2 instance start → ready: starting PostgreSQL');
    const pg = await startPostgres({ dataDir: join(work, 'pg'), ephemeral: true });
    cleanups.push(() => pg.stop());
    const databaseUrl = await pg.createDatabase('bench');
    const env = { DATABASE_URL: databaseUrl, PAYMENTS_API_KEYS: API_KEYS, LOG_LEVEL: 'warn' };
    const migrate = containerArgv(
      image!.manifest.config,
      { args: ['services/payments/dist/migrate.mjs'], env },
      { rootfs: image!.rootfs },
    );
    await new Promise<void>((resolve, reject) =>
      spawn(migrate.file, migrate.args, {
        cwd: migrate.cwd,
        env: { PATH: process.env.PATH ?? '', ...migrate.env },
        stdio: 'ignore',
      }).once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`migrate exited ${code}`)))),
    );
    const server = containerArgv(image!.manifest.config, { env }, { rootfs: image!.rootfs });
    step(`${ROUNDS} interleaved rounds: tsx vs ${server.args.join(' ')}`);
    const tsx: number[] = [];
    const bundled: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      tsx.push(
        await startToReady(
          process.execPath,
          ['--import', 'tsx', 'services/payments/src/server.ts'],
          image!.rootfs,
          env, // the previous instance had no image ENV
        ),
      );
      bundled.push(await startToReady(server.file, server.args, server.cwd, server.env as Record<string, string>));
    }
    report('payments instance spawn → GET /readyz 200 (tsx before, dist/server.mjs today)', tsx, bundled);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

await main();
