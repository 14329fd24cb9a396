import type { Command } from 'commander';
import { runVerb } from '../verb.ts';

export function register(program: Command): void {
  program
    .command('restart')
    .description(
      "Restart the rollout's instances, as many at a time as availability allows (kubectl argo rollouts restart)",
    )
    .argument('[name]', 'Rollout name (default: the only one)')
    .action(async (name: string | undefined, _options: unknown, command: Command) => {
      await runVerb(command, name, (target, rollout) => target.restart(rollout));
    });
}
