// What every verb command does: pick the target, resolve the rollout name, print one line.
import type { Command } from 'commander';
import type { ListingTarget, TargetOptions } from './target.ts';
import { printLine } from './output.ts';

export async function runVerb(
  command: Command,
  name: string | undefined,
  act: (target: ListingTarget, name: string) => Promise<string>,
): Promise<void> {
  // Loaded when a verb runs: the engine client (undici) is not needed for `--help`.
  const { resolveRolloutName, resolveTarget } = await import('./target.ts');
  const target = await resolveTarget(command.optsWithGlobals<TargetOptions>());
  const rollout = await resolveRolloutName(target, name);
  printLine(await act(target, rollout));
}
