import type { Command } from 'commander';
import { runVerb } from '../verb.ts';

export function register(program: Command): void {
  program
    .command('retry')
    .description('Retry an aborted rollout: clear the abort so the new revision progresses again')
    .argument('[name]', 'Rollout name (default: the only one)')
    .action(async (name: string | undefined, _options: unknown, command: Command) => {
      await runVerb(command, name, (target, rollout) => target.retry(rollout));
    });
}
