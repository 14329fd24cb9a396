import type { Command } from 'commander';
import { runVerb } from '../verb.ts';

export function register(program: Command): void {
  program
    .command('promote')
    .description('Promote a paused blue/green rollout: the active Service switches to the new revision')
    .argument('[name]', 'Rollout name (default: the only one)')
    .option('--full', 'skip remaining pauses and analysis', false)
    .action(async (name: string | undefined, options: { full: boolean }, command: Command) => {
      await runVerb(command, name, (target, rollout) => target.promote(rollout, { full: options.full }));
    });
}
