// `quickship up`: what it does once its options are parsed (loaded on demand by commands/up.ts).
// SIGTERM, SIGHUP (the terminal closed) and a closed stdout (EPIPE: `npm start | head`) stop it as
// Ctrl-C does: `up` never detaches on purpose — a stack nobody can see or stop would hold its
// ports and PostgreSQL until the next `up` adopts it.
import { relative } from 'node:path';
import { PostgresNotInstalledError } from '@quickship/pglocal';
import { UserError } from '../../errors.ts';
import { startLocalStack } from '../../stack.ts';
import { firstApiKey } from '../../engine/secrets.ts';
import { parseRepoMap } from '../../gitops/repos.ts';
import { repoRoot } from '../repo.ts';

export interface UpOptions {
  readonly dir?: string;
  readonly repo?: string;
  readonly stateDir?: string;
  readonly activePort: number;
  readonly previewPort: number;
  readonly apiPort: number;
  readonly consolePort: number;
  readonly prometheusUrl?: string;
  readonly databaseUrl?: string;
  readonly build: boolean;
  readonly repoMap: string[];
  readonly prometheusPort: number;
  /** false with --no-analysis. */
  readonly analysis: boolean;
}

export async function runUp(options: UpOptions): Promise<void> {
  // Listening from the start: a stop asked for while starting happens once the stack is up.
  const stopAsked = whenStopAsked();
  const repo = repoRoot(options.repo);
  const stack = await startLocalStack({
    repoDir: repo,
    ...(options.dir ? { deployDir: options.dir } : {}),
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    activePort: options.activePort,
    previewPort: options.previewPort,
    apiPort: options.apiPort,
    consolePort: options.consolePort,
    ...(options.prometheusUrl ? { prometheusUrl: options.prometheusUrl } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    build: options.build,
    analysis: options.analysis ? 'enabled' : 'skipped',
    prometheusPort: options.prometheusPort,
    ...(options.repoMap.length > 0 ? { repoMap: parseRepoMap(options.repoMap) } : {}),
    log: (line) => console.log(`[engine] ${line}`),
  }).catch((error: unknown) => {
    // pglocal sits beside quickship, below its errors: its refusal becomes a UserError here.
    if (error instanceof PostgresNotInstalledError)
      throw new UserError(error.message, 'apt-get install -y postgresql, or pass --database-url <url>');
    throw error;
  });
  const urls = stack.engine.serviceUrls();
  const key = firstApiKey(stack.apiKeys.value);
  console.log('');
  if (stack.engine.store) {
    console.log('quickship up: GitOps — Applications synced from Git commits (quickship app list / get / diff)');
    for (const app of stack.engine.store.list({ kind: 'Application' })) {
      const s = app.status as
        { sync?: { status?: string; revision?: string }; health?: { status?: string } } | undefined;
      console.log(
        `  app      ${app.metadata.name.padEnd(16)} ${s?.sync?.status ?? 'Unknown'} ${s?.health?.status ?? 'Unknown'} at ${s?.sync?.revision?.slice(0, 7) ?? '?'}`,
      );
    }
  } else
    console.log(
      `quickship up: ${relative(process.cwd(), stack.engine.deployDir) || '.'} running (working tree, not GitOps)`,
    );
  console.log(`  active   ${urls.active}      (Service ${stack.engine.routers().active.name})`);
  console.log(`  preview  ${urls.preview}      (Service ${stack.engine.routers().preview.name})`);
  console.log(
    `  API      ${stack.api.url}/api/v1/rollouts   (quickship status / promote / abort / retry / undo / restart)`,
  );
  if (stack.console)
    console.log(`  console  ${stack.console.url}   (the token in this URL allows the console's actions)`);
  console.log(
    stack.prometheusUrl
      ? `  Prometheus ${stack.prometheusUrl}   (targets: /targets, alerts: quickship alerts)`
      : '  Prometheus not running (--no-analysis): every analysis shows as Skipped',
  );
  console.log(
    `  API key  ${key}${stack.apiKeys.source === 'generated' ? '   (generated dev key; set PAYMENTS_API_KEYS=merchant:key to use yours)' : '   (from PAYMENTS_API_KEYS)'}`,
  );
  console.log(
    `  try      curl -s ${urls.active}/v1/payments -H 'Authorization: Bearer ${key}' -H "Idempotency-Key: $(date +%s%N)" -H 'content-type: application/json' -d '{"amount":1000,"currency":"usd","card":{"number":"4242424242424242","exp_month":12,"exp_year":2030,"cvc":"123"}}'`,
  );
  console.log('Ctrl-C drains and stops everything.');
  await untilStopped(stack, stopAsked);
}

/** Why `up` stops: a signal's name, or `stdout closed`. */
type StopReason = NodeJS.Signals | 'stdout closed';

interface StopRequests {
  /** The first stop request. */
  readonly first: Promise<StopReason>;
  /** Called on every later one. */
  onRepeat(listener: (reason: StopReason) => void): void;
}

/** Ctrl-C, SIGTERM, SIGHUP (terminal closed) and a closed stdout (EPIPE, `| head`) all ask `up` to stop. */
function whenStopAsked(): StopRequests {
  let count = 0;
  let repeat: ((reason: StopReason) => void) | undefined;
  let resolveFirst: (reason: StopReason) => void = () => undefined;
  const first = new Promise<StopReason>((resolve) => (resolveFirst = resolve));
  const ask = (reason: StopReason): void => {
    count++;
    if (count === 1) resolveFirst(reason);
    else if (repeat) repeat(reason);
    else process.exit(130); // a second Ctrl-C while still starting: leave now
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, ask);
  let stdoutClosed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // Nobody reads our output any more; later writes fail quietly (this listener keeps them from crashing `up`).
    if (stdoutClosed || (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED')) return;
    stdoutClosed = true;
    ask('stdout closed');
  });
  return { first, onRepeat: (listener) => (repeat = listener) };
}

async function untilStopped(
  stack: { stop(): Promise<void>; kill(): Promise<void> },
  stopAsked: StopRequests,
): Promise<void> {
  const reason = await stopAsked.first;
  await new Promise<void>((resolve) => {
    stopAsked.onRepeat((again) => {
      if (again === 'stdout closed') return;
      console.log(`${again}: killing every instance now`);
      void stack.kill().finally(resolve);
    });
    // stderr too: with stdout closed, it is the only place left to say why `up` stops.
    console.error(`\n${reason}: draining (instances finish their requests, then stop); Ctrl-C again to kill now`);
    stack.stop().then(resolve, (error: unknown) => {
      console.error(`stop failed: ${(error as Error).message}`);
      void stack.kill().finally(resolve);
    });
  });
  console.error('stopped: no instance, router, API, Prometheus or PostgreSQL left running');
  // Everything we started is stopped; a stray handle (a library's keep-alive socket) must not keep `up` alive.
  setTimeout(() => process.exit(), 2000).unref();
}
