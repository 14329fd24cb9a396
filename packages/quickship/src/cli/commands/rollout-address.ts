// The live Rollout's address in the store, by name (its namespace found from the live objects).
import type { GitOpsClient, ObjectAddress } from '../../api/gitops-client.ts';
import { UserError } from '../errors.ts';

export async function rolloutAddress(c: GitOpsClient, name: string): Promise<ObjectAddress> {
  const rollouts = await c.objects({ kind: 'Rollout' });
  const found = rollouts.find((r) => r.metadata.name === name);
  if (!found)
    throw new UserError(
      `rollout "${name}" not found (live: ${rollouts.map((r) => r.metadata.name).join(', ') || 'none'})`,
      '`quickship status` shows the Rollout',
    );
  return {
    group: 'argoproj.io',
    kind: 'Rollout',
    ...(found.metadata.namespace ? { namespace: found.metadata.namespace } : {}),
    name,
  };
}
