// Chooses where a verb acts: the local engine over its loopback API (default), or a Kubernetes
// cluster when --context or --kubeconfig is given (src/kube, `createKubeTarget`).
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
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
export type ListingTarget = RolloutTarget & { list?(): Promise<readonly { readonly view: { readonly name: string } }[]> };

export function wantsKube(options: TargetOptions): boolean {
  return Boolean(options.context || options.kubeconfig);
}

export async function resolveTarget(options: TargetOptions): Promise<ListingTarget> {
  if (!wantsKube(options)) return new LocalEngineClient(options.api ?? process.env.QUICKSHIP_API ?? DEFAULT_API_URL);
  // Loaded on demand: the Kubernetes client is heavy and only needed with --context/--kubeconfig.
  const kubeModule = new URL('../kube/index.ts', import.meta.url);
  if (!existsSync(kubeModule)) {
    throw new UserError('the Kubernetes target is not part of this build yet (src/kube is missing)', 'drop --context/--kubeconfig to use the local engine');
  }
  const kube = (await import(pathToFileURL(kubeModule.pathname).href)) as {
    createKubeTarget?: (options: { context?: string; kubeconfig?: string; namespace?: string }) => RolloutTarget | Promise<RolloutTarget>;
  };
  if (typeof kube.createKubeTarget !== 'function') throw new UserError('src/kube does not export createKubeTarget yet', 'drop --context/--kubeconfig to use the local engine');
  return kube.createKubeTarget({ context: options.context, kubeconfig: options.kubeconfig, namespace: options.namespace });
}

/** The rollout a verb acts on: the name given, else the only one the target knows. */
export async function resolveRolloutName(target: ListingTarget, name: string | undefined): Promise<string> {
  if (name) return name;
  if (!target.list) throw new UserError('a rollout name is required with a Kubernetes target', 'pass the name, e.g. `quickship promote payments --context <ctx>`');
  const names = (await target.list()).map((entry) => entry.view.name);
  if (names.length === 1) return names[0]!;
  if (names.length === 0) throw new UserError('the engine runs no rollout', 'check deploy/apps/payments/rollout.yaml with `quickship lint`');
  throw new UserError(`several rollouts run (${names.join(', ')}); which one?`, `pass the name, e.g. \`quickship status ${names[0]}\``);
}
