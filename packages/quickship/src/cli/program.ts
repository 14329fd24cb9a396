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

/**
 * The top-level commands, in help order, each with the names it answers to (its name and
 * aliases; program.test.ts checks them against what each module registers).
 */
export const COMMANDS: readonly (readonly [names: readonly string[], command: { register(program: Command): void }])[] =
  [
    [['up'], up],
    [['status', 'get'], status],
    [['lint'], lint],
    [['build'], build],
    [['promote'], promote],
    [['abort'], abort],
    [['retry'], retry],
    [['undo'], undo],
    [['restart'], restart],
    [['release'], release],
    [['app'], app],
    [['alerts'], alerts],
    [['analysis'], analysis],
    [['set'], set],
    [['scale'], scale],
    [['delete'], del],
    [['rollback'], rollback],
  ];

/** The global options that take a value (the value may follow as the next argument). */
const GLOBAL_WITH_VALUE = new Set(['--api', '--context', '--kubeconfig', '-n', '--namespace']);

/**
 * The command an argv runs, when it plainly names one before anything else: `[node, bin, (global
 * option [value])…, <command>, …]`. Undefined for help, a usage error, an unknown name or
 * anything unusual: then every command is registered and commander answers as it always does.
 */
export function commandNamed(argv: readonly string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i]!;
    if (GLOBAL_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('--') && GLOBAL_WITH_VALUE.has(arg.slice(0, arg.indexOf('=')))) continue;
    if (arg.startsWith('-')) return undefined;
    return COMMANDS.some(([names]) => names.includes(arg)) ? arg : undefined;
  }
  return undefined;
}

/**
 * The `quickship` program. Given the argv it will parse, it registers only the command that argv
 * names (each registration builds its options: ~1.7 ms for all of them, at every start); without
 * one, or for help and errors, all of them.
 */
export function buildProgram(argv?: readonly string[]): Command {
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
  const only = argv === undefined ? undefined : commandNamed(argv);
  for (const [names, command] of COMMANDS) if (only === undefined || names.includes(only)) command.register(program);
  return program;
}
