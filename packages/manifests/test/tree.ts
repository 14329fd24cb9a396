// Test helpers: the rendered files parsed back from YAML (as Kubernetes' YAML 1.1 reader would),
// grouped by environment tree, with typed lookups that fail with the list of what exists.
import { parse } from 'yaml';
import { eks, local, renderAll, type EnvironmentConfig, type KubeObject } from '../src/index.ts';

export const rendered: ReadonlyMap<string, string> = renderAll();

export interface RenderedObject {
  readonly path: string;
  readonly object: KubeObject;
}

export const allObjects: readonly RenderedObject[] = [...rendered.entries()]
  .filter(([path]) => !path.endsWith('/kustomization.yaml'))
  .map(([path, text]) => ({ path, object: parse(text, { version: '1.1' }) as KubeObject }));

/** The objects of one environment's payments tree (deploy/apps/payments or deploy/environments/local/apps/payments). */
export function appObjects(env: EnvironmentConfig): RenderedObject[] {
  return allObjects.filter((o) => o.path.startsWith(`${env.outputDir}/apps/payments/`));
}

export function argocdObjects(env: EnvironmentConfig = eks): RenderedObject[] {
  return allObjects.filter((o) => o.path.startsWith(`${env.outputDir}/argocd/`));
}

export function ofKind<T>(objects: readonly RenderedObject[], kind: string): T[] {
  return objects.filter((o) => o.object.kind === kind).map((o) => o.object as unknown as T);
}

export function find<T>(objects: readonly RenderedObject[], kind: string, name: string): T {
  const hit = objects.find((o) => o.object.kind === kind && o.object.metadata.name === name);
  if (!hit) {
    const have = objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`).join(', ');
    throw new Error(`no ${kind}/${name} rendered; have: ${have}`);
  }
  return hit.object as unknown as T;
}

export const environments = { eks, local } as const;
