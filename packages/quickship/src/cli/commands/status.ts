// `quickship status [name] [--watch] [--json]`: the tree `kubectl argo rollouts get rollout`
// draws, or the Rollout object with its status in Argo's shape.
import type { Command } from 'commander';
import type { StatusOptions } from '../run/status.ts';

export function register(program: Command): void {
  program
    .command('status')
    .alias('get')
    .description("Show the rollout as a tree (revisions, ReplicaSets, instances, phase), or --json in Argo's shape")
    .argument('[name]', 'Rollout name (default: the only one)')
    .option('-w, --watch', 'redraw on every change until Ctrl-C', false)
    .option('--json', 'print the Rollout object with its status (one JSON document per change with --watch)', false)
    .action(async (name: string | undefined, options: StatusOptions, command: Command) => {
      const { runStatus } = await import('../run/status.ts');
      await runStatus(name, options, command);
    });
}
