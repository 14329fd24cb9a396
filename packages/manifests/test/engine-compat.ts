// deploy/apps/payments/ is also what the local engine runs: read it with the engine's own parser
// (packages/quickship/src/core), as `quickship up` does. Skipped, saying so, until that parser exists.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/index.ts';
import { rendered } from './tree.ts';

interface ParsedContainer {
  readonly image: string;
  readonly env: readonly Record<string, unknown>[];
  readonly preStop?: { readonly kind: string; readonly seconds?: number };
  readonly readinessProbe?: { readonly path: string; readonly port: number };
}
interface EngineCore {
  splitManifests(text: string, file: string): unknown[];
  readDeployObjects(docs: unknown[]): {
    rollouts: {
      spec: {
        name: string;
        replicas: number;
        container: ParsedContainer;
        terminationGracePeriodSeconds: number;
        strategy: { blueGreen: Record<string, unknown> };
      };
    }[];
    services: { spec: { name: string } }[];
    others: { kind: string; name: string }[];
  };
}

const core = join(REPO_ROOT, 'packages/quickship/src/core');
const available = existsSync(join(core, 'manifests.ts')) && existsSync(join(core, 'catalog.ts'));

describe.skipIf(!available)(
  `the local engine's parser reads deploy/apps/payments${available ? '' : ' (skipped: packages/quickship/src/core not present)'}`,
  () => {
    it('parses the Rollout and Services the engine runs, and lists the rest as cluster-only', async () => {
      const engine = {
        ...((await import(pathToFileURL(join(core, 'manifests.ts')).href)) as Pick<EngineCore, 'splitManifests'>),
        ...((await import(pathToFileURL(join(core, 'catalog.ts')).href)) as Pick<EngineCore, 'readDeployObjects'>),
      };
      const dir = 'deploy/apps/payments';
      const files = [...rendered.keys()].filter((p) => p.startsWith(`${dir}/`));
      // Parse what the code renders (not the working tree), so this checks the code under test.
      const docs = files.flatMap((file) => engine.splitManifests(rendered.get(file) ?? '', file));
      const objects = engine.readDeployObjects(docs);

      expect(objects.rollouts.map((r) => r.spec.name)).toEqual(['payments']);
      const rollout = objects.rollouts[0]?.spec;
      expect(rollout?.strategy.blueGreen).toMatchObject({
        activeService: 'payments-active',
        previewService: 'payments-preview',
        autoPromotionEnabled: false,
      });
      expect(rollout?.container.preStop).toEqual({ kind: 'sleep', seconds: 10 });
      expect(rollout?.container.readinessProbe).toMatchObject({ path: '/readyz', port: 3000 });
      expect(rollout?.terminationGracePeriodSeconds).toBe(40);
      expect(objects.services.map((s) => s.spec.name).sort()).toEqual([
        'payments-active',
        'payments-metrics',
        'payments-preview',
      ]);
      expect(objects.others.length + objects.rollouts.length + objects.services.length).toBe(files.length);
    });
  },
);
