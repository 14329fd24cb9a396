// `quickship delete <kind>/<name> [-n ns]`: deletes a live object, as kubectl delete would. A
// tracked object comes back on the next sync (selfHeal) or shows as Missing (OutOfSync).
import type { Command } from 'commander';
import { DEFAULT_API_URL } from '../../api/client.ts';
import { GitOpsClient } from '../../api/gitops-client.ts';
import { UserError } from '../errors.ts';
import { printLine } from '../output.ts';

export function register(program: Command): void {
  program
    .command('delete')
    .description('Delete a live object (kind/name), as kubectl delete does')
    .argument('<kind/name>')
    .option('--in <namespace>', 'its namespace (default: found from the live objects)')
    .action(async (target: string, options: { in?: string }, command: Command) => {
      const slash = target.indexOf('/');
      if (slash <= 0 || slash === target.length - 1)
        throw new UserError(`"${target}" is not <kind>/<name>`, 'e.g. quickship delete configmap/payments-config');
      const kindWanted = target.slice(0, slash).toLowerCase();
      const name = target.slice(slash + 1);
      const c = new GitOpsClient(
        command.optsWithGlobals<{ api?: string }>().api ?? process.env.QUICKSHIP_API ?? DEFAULT_API_URL,
      );
      const matches = (await c.objects(options.in ? { namespace: options.in } : {})).filter(
        (o) =>
          (o.kind.toLowerCase() === kindWanted || `${o.kind.toLowerCase()}s` === kindWanted) &&
          o.metadata.name === name,
      );
      if (matches.length === 0)
        throw new UserError(
          `no live ${target}${options.in ? ` in ${options.in}` : ''}`,
          'list live objects: GET /api/v1/objects',
        );
      if (matches.length > 1)
        throw new UserError(
          `${target} exists in several namespaces (${matches.map((m) => m.metadata.namespace).join(', ')})`,
          `add --in <namespace>`,
        );
      const [object] = matches;
      const group = object!.apiVersion.includes('/') ? object!.apiVersion.split('/')[0]! : '';
      await c.delete({
        group,
        kind: object!.kind,
        ...(object!.metadata.namespace ? { namespace: object!.metadata.namespace } : {}),
        name,
      });
      printLine(`${object!.kind.toLowerCase()} "${name}" deleted`);
    });
}
