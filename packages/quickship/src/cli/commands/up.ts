// `quickship up` (what `npm start` runs): private PostgreSQL, Prometheus, the Applications synced
// from Git (the PreSync migration Job, the Rollout), the Service routers and the API, in the foreground. Ctrl-C
// (or SIGTERM, SIGHUP, a closed stdout) drains and stops everything; a second Ctrl-C kills what is left.
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_API_PORT } from '../../api/protocol.ts';
import { DEFAULT_CONSOLE_PORT } from '../../console/defaults.ts';
import { DEFAULT_DEPLOY_DIR } from '../repo.ts';
import type { UpOptions } from '../run/up.ts';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new InvalidArgumentError(`"${value}" is not a TCP port (0-65535; 0 picks a free one)`);
  return n;
}

export function register(program: Command): void {
  program
    .command('up')
    .description(
      'Run the Rollout locally: private PostgreSQL, Prometheus, migrations, instances, active/preview routers, API; Ctrl-C stops all',
    )
    .option(
      '--dir <folder>',
      `run a deploy folder from the working tree instead of GitOps (development; e.g. ${DEFAULT_DEPLOY_DIR})`,
    )
    .option('--repo <folder>', 'repository root (default: the Git top level here)')
    .option('--state-dir <folder>', 'runtime state (default <repo>/.quickship)')
    .option('--active-port <port>', 'active Service port', port, 8080)
    .option('--preview-port <port>', 'preview Service port', port, 8081)
    .option('--api-port <port>', 'engine API port', port, DEFAULT_API_PORT)
    .option(
      '--console-port <port>',
      'web console port (127.0.0.1; the printed URL carries its token)',
      port,
      DEFAULT_CONSOLE_PORT,
    )
    .option('--prometheus-url <url>', "a Prometheus for the console's golden signals and alerts")
    .option('--database-url <url>', 'use this PostgreSQL database instead of the private one')
    .option('--no-build', "do not build HEAD when the Rollout's image tag has no build")
    .option('--prometheus-port <port>', 'local Prometheus port (0: a free one)', port, 0)
    .option(
      '--no-analysis',
      'run without Prometheus (when it is not installed): every analysis shows as Skipped, never Successful; no alerts',
    )
    .option(
      '--repo-map <url=path>',
      "read an Application's repoURL from this clone or path (repeatable; default: every repoURL is this repository)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .action(async (options: UpOptions) => {
      const { runUp } = await import('../run/up.ts');
      await runUp(options);
    });
}
