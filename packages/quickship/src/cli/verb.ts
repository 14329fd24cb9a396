// What every verb command does: pick the target, resolve the rollout name, print one line.
import type { Command } from 'commander';
import { resolveRolloutName, resolveTarget, type ListingTarget, type TargetOptions } from './target.ts';

export async function runVerb(
  command: Command,
  name: string | undefined,
  act: (target: ListingTarget, name: string) => Promise<string>,
): Promise<void> {
  const target = await resolveTarget(command.optsWithGlobals<TargetOptions>());
  const rollout = await resolveRolloutName(target, name);
  console.log(await act(target, rollout));
}
