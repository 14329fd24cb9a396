// `quickship status`: what it does once its arguments are parsed (loaded on demand by commands/status.ts).
import type { Command } from 'commander';
// core/tree.ts, not the core barrel: that loads the YAML library and the linters (260 KB) too.
import { renderRolloutTree } from '../../core/tree.ts';
import { LocalEngineClient } from '../../api/client.ts';
import type { RolloutView } from '../../model.ts';
import { resolveRolloutName, resolveTarget, type ListingTarget, type TargetOptions } from '../target.ts';
import { isTerminal, printLine, writeOutput } from '../output.ts';

export interface StatusOptions {
  readonly watch: boolean;
  readonly json: boolean;
}

type Entry = { readonly rollout: unknown; readonly view: RolloutView };

export async function runStatus(name: string | undefined, options: StatusOptions, command: Command): Promise<void> {
  const target = await resolveTarget(command.optsWithGlobals<TargetOptions>());
  const rollout = await resolveRolloutName(target, name);
  const print = (entry: Entry): void =>
    printLine(
      options.json
        ? JSON.stringify(entry.rollout, null, options.watch ? undefined : 2)
        : renderRolloutTree(entry.view, { now: new Date() }),
    );
  if (!options.watch) return print(await target.get(rollout));
  await watch(target, rollout, (entry) => {
    if (!options.json && isTerminal(1)) writeOutput(1, '\x1b[2J\x1b[H');
    print(entry);
  });
}
/** Until SIGINT/SIGTERM: server-sent events from the local engine, polling for a cluster. */
async function watch(target: ListingTarget, name: string, show: (entry: Entry) => void): Promise<void> {
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (target instanceof LocalEngineClient) {
      for await (const entry of target.watch(name, stop.signal)) show(entry);
      return;
    }
    while (!stop.signal.aborted) {
      show(await target.get(name));
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 2000);
        stop.signal.addEventListener('abort', () => (clearTimeout(timer), resolve(undefined)), { once: true });
      });
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
