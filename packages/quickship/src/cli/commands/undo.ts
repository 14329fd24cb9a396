import { InvalidArgumentError, type Command } from 'commander';
import { runVerb } from '../verb.ts';
import { DEFAULT_API_URL } from '../../api/client.ts';
import { GitOpsClient } from '../../api/gitops-client.ts';
import { warnSelfHeal } from './set.ts';

function revision(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`"${value}" is not a revision number (1, 2, 3…)`);
  return n;
}

export function register(program: Command): void {
  program
    .command('undo')
    .description("Roll back to the previous revision's pod template (or --to-revision N)")
    .argument('[name]', 'Rollout name (default: the only one)')
    .option('--to-revision <n>', 'revision to roll back to (default: the previous one)', revision)
    .action(async (name: string | undefined, options: { toRevision?: number }, command: Command) => {
      await runVerb(command, name, (target, rollout) => target.undo(rollout, { toRevision: options.toRevision }));
      // Under GitOps with selfHeal, the template undo is drift: Argo CD (and the local engine) reverts it.
      const globals = command.optsWithGlobals<{ api?: string; context?: string; kubeconfig?: string }>();
      if (!globals.context && !globals.kubeconfig)
        await warnSelfHeal(new GitOpsClient(globals.api ?? process.env.QUICKSHIP_API ?? DEFAULT_API_URL));
    });
}
