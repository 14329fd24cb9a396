// `quickship set image <rollout> <container>=<image>`: the kubectl plugin's `set image`, an
// imperative change to the live Rollout. Under GitOps it makes the app OutOfSync; with selfHeal
// the application controller reverts it — the lasting way is a commit (`quickship release`).
import { type Command } from 'commander';
import { DEFAULT_API_URL } from '../../api/client.ts';
import { GitOpsClient } from '../../api/gitops-client.ts';
import { PLUGIN_MANAGER } from '../../engine/fields-managers.ts';
import { UserError } from '../errors.ts';
import { rolloutAddress } from './rollout-address.ts';
import { printLine, printErrorLine } from '../output.ts';

export function register(program: Command): void {
  const set = program
    .command('set')
    .description('Change a live object imperatively (as kubectl argo rollouts set does)');
  set
    .command('image')
    .description("Set a container's image in the live Rollout (drift: Git still says otherwise)")
    .argument('<rollout>')
    .argument('<container=image>')
    .action(async (rollout: string, assignment: string, _options: unknown, command: Command) => {
      const eq = assignment.indexOf('=');
      if (eq <= 0 || eq === assignment.length - 1)
        throw new UserError(
          `"${assignment}" is not <container>=<image>`,
          `e.g. quickship set image ${rollout} payments=quickship/payments:0.2.0`,
        );
      const [container, image] = [assignment.slice(0, eq), assignment.slice(eq + 1)];
      const c = new GitOpsClient(
        command.optsWithGlobals<{ api?: string }>().api ?? process.env.QUICKSHIP_API ?? DEFAULT_API_URL,
      );
      const ref = await rolloutAddress(c, rollout);
      const live = await c.object(ref);
      const template =
        (live.spec as { template?: { spec?: { containers?: { name: string; image: string }[] } } }).template ?? {};
      const containers = template.spec?.containers ?? [];
      if (!containers.some((x) => x.name === container))
        throw new UserError(
          `Rollout ${rollout} has no container "${container}" (it has ${containers.map((x) => x.name).join(', ')})`,
          `quickship set image ${rollout} ${containers[0]?.name ?? 'payments'}=${image}`,
        );
      await c.patch(
        ref,
        {
          spec: {
            template: {
              ...template,
              spec: {
                ...template.spec,
                containers: containers.map((x) => (x.name === container ? { ...x, image } : x)),
              },
            },
          },
        },
        PLUGIN_MANAGER,
      );
      printLine(`rollout "${rollout}" image updated`);
      await warnSelfHeal(c);
    });
}

/** Under selfHeal an imperative change is reverted: say so, and name the GitOps way. */
export async function warnSelfHeal(c: GitOpsClient): Promise<void> {
  const apps = await c.applications().catch(() => []); // --dir mode has no Applications: nothing to say
  const healing = apps.filter(
    (a) =>
      (a.spec as { syncPolicy?: { automated?: { selfHeal?: boolean } } }).syncPolicy?.automated?.selfHeal &&
      a.metadata.name !== 'root',
  );
  if (healing.length > 0)
    printErrorLine(
      `warning: Application ${healing.map((a) => a.metadata.name).join(', ')} has selfHeal: the GitOps controller reverts this change to what Git says. Make it lasting with a commit (quickship release / quickship rollback).`,
    );
}
