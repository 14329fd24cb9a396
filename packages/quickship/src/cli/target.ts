// Chooses where a verb acts: the local engine over its loopback API (default), or a Kubernetes
// cluster when --context or --kubeconfig is given (src/kube, `createKubeTarget`).
import type { RolloutTarget } from '../model.ts';
import { DEFAULT_API_URL, LocalEngineClient } from '../api/client.ts';
import { UserError } from './errors.ts';

export interface TargetOptions {
  readonly api?: string;
  readonly context?: string;
  readonly kubeconfig?: string;
  readonly namespace?: string;
}

/** A target that can also list its rollouts (so a verb may omit the name when there is one). */
export type ListingTarget = RolloutTarget & {
  list?(): Promise<readonly { readonly view: { readonly name: string } }[]>;
};

export function wantsKube(options: TargetOptions): boolean {
  return Boolean(options.context || options.kubeconfig);
}

export async function resolveTarget(options: TargetOptions): Promise<ListingTarget> {
  if (!wantsKube(options)) {
    if (options.namespace)
      throw new UserError(
        '-n/--namespace only applies to a Kubernetes target',
        'add --context <ctx> or --kubeconfig <file>, or drop -n',
      );
    return new LocalEngineClient(options.api ?? process.env.QUICKSHIP_API ?? DEFAULT_API_URL);
  }
  // Loaded on demand: the Kubernetes client is heavy and only needed with --context/--kubeconfig.
  const { createKubeTarget } = await import('../kube/index.ts');
  return createKubeTarget({
    ...(options.context ? { context: options.context } : {}),
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.namespace ? { namespace: options.namespace } : {}),
  });
}

/** The rollout a verb acts on: the name given, else the only one the target knows. */
export async function resolveRolloutName(target: ListingTarget, name: string | undefined): Promise<string> {
  if (name) return name;
  if (!target.list)
    throw new UserError('a rollout name is required here', 'pass the name, e.g. `quickship promote payments`');
  const names = (await target.list()).map((entry) => entry.view.name);
  if (names.length === 1) return names[0]!;
  if (names.length === 0)
    throw new UserError(
      'no rollout found',
      'check deploy/apps/payments/rollout.yaml with `quickship lint` (or the namespace with -n)',
    );
  throw new UserError(
    `several rollouts found (${names.join(', ')}); which one?`,
    `pass the name, e.g. \`quickship status ${names[0]}\``,
  );
}
