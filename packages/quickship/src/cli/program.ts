// Builds the `quickship` command: global options, then one small module per verb. Each verb's
// module only declares its arguments and options; what it does (and the heavy modules that needs)
// is imported when it runs, from cli/run/, so `--help` and a usage error load almost nothing.
import { Command } from 'commander';
import { DEFAULT_API_HOST, DEFAULT_API_PORT } from '../api/protocol.ts';
import { isTerminal, writeOutput } from './output.ts';
import * as abort from './commands/abort.ts';
import * as alerts from './commands/alerts.ts';
import * as analysis from './commands/analysis.ts';
import * as app from './commands/app.ts';
import * as del from './commands/delete.ts';
import * as rollback from './commands/rollback.ts';
import * as scale from './commands/scale.ts';
import * as set from './commands/set.ts';
import * as build from './commands/build.ts';
import * as lint from './commands/lint.ts';
import * as promote from './commands/promote.ts';
import * as release from './commands/release.ts';
import * as restart from './commands/restart.ts';
import * as retry from './commands/retry.ts';
import * as status from './commands/status.ts';
import * as undo from './commands/undo.ts';
import * as up from './commands/up.ts';

export function buildProgram(): Command {
  const program = new Command('quickship')
    .description('Run the Git-declared Argo Rollout locally (blue/green, zero downtime) or act on it in a cluster')
    .option(
      '--api <url>',
      `local engine API (default http://${DEFAULT_API_HOST}:${DEFAULT_API_PORT}, or $QUICKSHIP_API)`,
    )
    .option('--context <name>', 'act on a Kubernetes cluster: kubeconfig context')
    .option('--kubeconfig <path>', 'act on a Kubernetes cluster: kubeconfig file')
    .option('-n, --namespace <ns>', 'Kubernetes namespace of the Rollout (with --context/--kubeconfig)')
    .showHelpAfterError()
    .exitOverride();
  // Help and usage errors go out as every other line does (output.ts): commander's defaults would
  // build process.stdout to ask whether it is a terminal, 6–8 ms of a `--help`.
  const defaults = program.configureOutput();
  program.configureOutput({
    writeOut: (text) => writeOutput(1, text),
    writeErr: (text) => writeOutput(2, text),
    getOutHelpWidth: () => (isTerminal(1) ? (defaults.getOutHelpWidth?.() ?? 80) : 80),
    getErrHelpWidth: () => (isTerminal(2) ? (defaults.getErrHelpWidth?.() ?? 80) : 80),
    getOutHasColors: () => (isTerminal(1) ? (defaults.getOutHasColors?.() ?? false) : false),
    getErrHasColors: () => (isTerminal(2) ? (defaults.getErrHasColors?.() ?? false) : false),
  });
  for (const command of [
    up,
    status,
    lint,
    build,
    promote,
    abort,
    retry,
    undo,
    restart,
    release,
    app,
    alerts,
    analysis,
    set,
    scale,
    del,
    rollback,
  ])
    command.register(program);
  return program;
}
