// `quickship up`: what it does once its options are parsed (loaded on demand by commands/up.ts).
import { relative } from 'node:path';
import { PostgresNotInstalledError } from '@quickship/pglocal';
import { UserError } from '../../errors.ts';
import { startLocalStack } from '../../stack.ts';
import { firstApiKey } from '../../engine/secrets.ts';
import { repoRoot } from '../repo.ts';

export interface UpOptions {
  readonly dir?: string;
  readonly repo?: string;
  readonly stateDir?: string;
  readonly activePort: number;
  readonly previewPort: number;
  readonly apiPort: number;
  readonly databaseUrl?: string;
  readonly build: boolean;
}

export async function runUp(options: UpOptions): Promise<void> {
  const repo = repoRoot(options.repo);
  const stack = await startLocalStack({
    repoDir: repo,
    ...(options.dir ? { deployDir: options.dir } : {}),
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    activePort: options.activePort,
    previewPort: options.previewPort,
    apiPort: options.apiPort,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    build: options.build,
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
  console.log(`quickship up: ${relative(process.cwd(), stack.engine.deployDir) || '.'} running`);
  console.log(`  active   ${urls.active}      (Service ${stack.engine.routers().active.name})`);
  console.log(`  preview  ${urls.preview}      (Service ${stack.engine.routers().preview.name})`);
  console.log(
    `  API      ${stack.api.url}/api/v1/rollouts   (quickship status / promote / abort / retry / undo / restart)`,
  );
  console.log(
    `  API key  ${key}${stack.apiKeys.source === 'generated' ? '   (generated dev key; set PAYMENTS_API_KEYS=merchant:key to use yours)' : '   (from PAYMENTS_API_KEYS)'}`,
  );
  console.log(
    `  try      curl -s ${urls.active}/v1/payments -H 'Authorization: Bearer ${key}' -H "Idempotency-Key: $(date +%s%N)" -H 'content-type: application/json' -d '{"amount":1000,"currency":"usd","card":{"number":"4242424242424242","exp_month":12,"exp_year":2030,"cvc":"123"}}'`,
  );
  console.log('Ctrl-C drains and stops everything.');
  await untilSignal(stack);
}

async function untilSignal(stack: { stop(): Promise<void>; kill(): Promise<void> }): Promise<void> {
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      signals++;
      if (signals === 1) {
        console.log(`\n${signal}: draining (instances finish their requests, then stop); Ctrl-C again to kill now`);
        stack.stop().then(resolve, (error: unknown) => {
          console.error(`stop failed: ${(error as Error).message}`);
          void stack.kill().finally(resolve);
        });
      } else {
        console.log(`${signal}: killing every instance now`);
        void stack.kill().finally(resolve);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  console.log('stopped: no instance, router, API or PostgreSQL left running');
  // Everything we started is stopped; a stray handle (a library's keep-alive socket) must not keep `up` alive.
  setTimeout(() => process.exit(), 2000).unref();
}
