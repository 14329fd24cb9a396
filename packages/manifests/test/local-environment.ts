// The local (kind) environment: what it leaves out, as documented, and a kustomization that
// applies its whole tree in a valid order.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appObjects, environments, rendered } from './tree.ts';

const { eks, local } = environments;
const kinds = (env: typeof eks): string[] => [...new Set(appObjects(env).map((o) => o.object.kind))].sort();

describe('local environment', () => {
  it('leaves out exactly the objects that need AWS or add-ons kind lacks', () => {
    const missing = kinds(eks).filter((k) => !kinds(local).includes(k));
    expect(missing).toEqual([
      'ExternalSecret',
      'HorizontalPodAutoscaler',
      'Ingress',
      'PrometheusRule',
      'ServiceMonitor',
    ]);
    expect(appObjects(local).some((o) => o.object.metadata.name === 'payments-dashboard')).toBe(false);
    expect([...rendered.keys()].some((p) => p.startsWith(`${local.outputDir}/argocd/`))).toBe(false);
  });

  it('lists every file of its tree in kustomization.yaml', () => {
    const dir = `${local.outputDir}/apps/payments`;
    const kustomization = parse(rendered.get(`${dir}/kustomization.yaml`) ?? '') as { resources: string[] };
    const files = [...rendered.keys()]
      .filter((p) => p.startsWith(`${dir}/`) && !p.endsWith('kustomization.yaml'))
      .map((p) => p.slice(dir.length + 1));
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('migrates with the hand-made payments-secrets (no External Secrets)', () => {
    const job = appObjects(local).find((o) => o.object.kind === 'Job')?.object;
    expect(JSON.stringify(job)).toContain('"name":"payments-secrets"');
  });
});
