// `quickship analysis list|get <name>`: the engine's AnalysisRuns (GET /api/v1/analysisruns),
// `get` with every measurement (value, phase, startedAt, finishedAt) and the run's message.
import type { Command } from 'commander';
import { DEFAULT_API_URL } from '../../api/client.ts';
import { GitOpsClient } from '../../api/gitops-client.ts';
import { formatAnalysisRun } from '../../analysis/format.ts';
import type { AnalysisRun } from '../../analysis/types.ts';
import { printLine } from '../output.ts';

function client(command: Command): GitOpsClient {
  const { api } = command.optsWithGlobals<{ api?: string }>();
  return new GitOpsClient(api ?? process.env.QUICKSHIP_API ?? DEFAULT_API_URL);
}

export function register(program: Command): void {
  const analysis = program
    .command('analysis')
    .description("The Rollout's AnalysisRuns (pre- and post-promotion analysis), as Argo Rollouts keeps them");
  analysis
    .command('list')
    .description('List AnalysisRuns: name, phase, message')
    .option('--json', 'print the objects', false)
    .action(async (options: { json: boolean }, command: Command) => {
      const runs = (await client(command).analysisRuns()) as unknown as AnalysisRun[];
      if (options.json) return void printLine(JSON.stringify(runs, null, 2));
      const rows = [
        ['NAME', 'PHASE', 'MESSAGE'],
        ...runs.map((r) => [r.metadata.name, r.status?.phase ?? 'Pending', r.status?.message ?? '']),
      ];
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
      printLine(
        rows
          .map((r) =>
            r
              .map((c, k) => c.padEnd(widths[k]!))
              .join('  ')
              .trimEnd(),
          )
          .join('\n'),
      );
    });
  analysis
    .command('get')
    .description('Show one AnalysisRun: its phase and message, each metric and every measurement')
    .argument('<name>', 'AnalysisRun name, e.g. payments-6d4f8b7c9-2-pre')
    .option('--json', 'print the object', false)
    .action(async (name: string, options: { json: boolean }, command: Command) => {
      const run = (await client(command).analysisRun(name)) as unknown as AnalysisRun;
      printLine(options.json ? JSON.stringify(run, null, 2) : formatAnalysisRun(run).trimEnd());
    });
}
