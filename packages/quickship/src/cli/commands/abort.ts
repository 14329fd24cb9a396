import type { Command } from 'commander';
import { runVerb } from '../verb.ts';

export function register(program: Command): void {
  program
    .command('abort')
    .description('Abort the rollout: the active Service stays on (or returns to) the stable revision')
    .argument('[name]', 'Rollout name (default: the only one)')
    .action(async (name: string | undefined, _options: unknown, command: Command) => {
      await runVerb(command, name, (target, rollout) => target.abort(rollout));
    });
}
