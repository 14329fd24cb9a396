// Rendering: deterministic text, one validated object per file with the header, and deploy/
// equal to what the code renders (the CI drift check).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import {
  checkDeploy,
  eks,
  environments,
  readImagesFile,
  renderAll,
  renderManifests,
  REPO_ROOT,
  writeDeploy,
} from '../src/index.ts';
import { HEADER } from '../src/k8s/yaml.ts';
import { rendered } from './tree.ts';

describe('render', () => {
  it('is deterministic: two renders are byte-identical and paths are sorted', () => {
    const again = renderManifests(environments, readImagesFile());
    expect([...again.entries()]).toEqual([...rendered.entries()]);
    const paths = [...rendered.keys()];
    expect(paths).toEqual([...paths].sort());
  });

  it('writes one object per file, under the header, with keys sorted at every level', () => {
    for (const [path, text] of rendered) {
      expect(text.startsWith(`# ${HEADER}\n`), path).toBe(true);
      const docs = parseAllDocuments(text, { version: '1.1' });
      expect(Array.isArray(docs) ? docs.length : 0, path).toBe(1);
      const value: unknown = Array.isArray(docs) ? docs[0]?.toJS() : undefined;
      const resorted = `# ${HEADER}\n${stringify(value, { sortMapEntries: true, lineWidth: 0, version: '1.1' })}`;
      expect(text, path).toBe(resorted);
    }
  });

  it('lays out the trees the README documents', () => {
    const paths = [...rendered.keys()];
    expect(paths).toContain('deploy/apps/payments/rollout.yaml');
    expect(paths).toContain('deploy/argocd/root.yaml');
    expect(paths.filter((p) => p.startsWith('deploy/argocd/apps/')).length).toBeGreaterThanOrEqual(7);
    expect(paths).toContain('deploy/environments/local/apps/payments/rollout.yaml');
    expect(paths).toContain('deploy/environments/local/apps/payments/kustomization.yaml');
    expect(paths.every((p) => p.startsWith('deploy/'))).toBe(true);
  });

  it('refuses an image reference that is not fully expanded, naming the file to fix', () => {
    expect(() =>
      renderManifests([eks], {
        eks: { payments: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/payments:${TAG}' },
      }),
    ).toThrow(/images\.json "eks\.payments".*npm run render/);
  });
});

describe('deploy/ is what the code renders (CI drift check)', () => {
  it('has no file that differs, is missing or is not rendered', () => {
    const differences = checkDeploy(REPO_ROOT, rendered as Map<string, string>);
    const report = differences.map((d) => `  ${d.problem}: ${d.path}`).join('\n');
    expect(
      differences,
      `deploy/ differs from packages/manifests:\n${report}\nfix: run npm run render and commit deploy/`,
    ).toEqual([]);
  });
});

describe('writeDeploy / checkDeploy on a scratch repository', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });
  const scratch = (): string => {
    const root = mkdtempSync(join(tmpdir(), 'quickship-manifests-'));
    roots.push(root);
    mkdirSync(join(root, 'packages/manifests'), { recursive: true });
    writeFileSync(
      join(root, 'packages/manifests/images.json'),
      readFileSync(join(REPO_ROOT, 'packages/manifests/images.json')),
    );
    return root;
  };

  // The scratch copy has the same images.json, so the render already made is reused.
  const tree = rendered as Map<string, string>;

  it('writes every file, then reports nothing to do', () => {
    const root = scratch();
    const written = writeDeploy(root, tree);
    expect(written.length).toBe(rendered.size);
    expect(written.every((d) => d.problem === 'missing')).toBe(true);
    expect(checkDeploy(root, tree)).toEqual([]);
    expect(readFileSync(join(root, 'deploy/apps/payments/rollout.yaml'), 'utf8')).toBe(
      rendered.get('deploy/apps/payments/rollout.yaml'),
    );
  });

  it('finds an edited, a deleted and a stray file, and write repairs all three', () => {
    const root = scratch();
    writeDeploy(root, tree);
    writeFileSync(join(root, 'deploy/apps/payments/rollout.yaml'), 'edited by hand\n');
    rmSync(join(root, 'deploy/apps/payments/pdb.yaml'));
    mkdirSync(join(root, 'deploy/apps/old'), { recursive: true });
    writeFileSync(join(root, 'deploy/apps/old/stray.yaml'), 'kind: ConfigMap\n');
    expect(checkDeploy(root, tree)).toEqual([
      { path: 'deploy/apps/old/stray.yaml', problem: 'not rendered' },
      { path: 'deploy/apps/payments/pdb.yaml', problem: 'missing' },
      { path: 'deploy/apps/payments/rollout.yaml', problem: 'differs' },
    ]);
    writeDeploy(root, tree);
    expect(checkDeploy(root, tree)).toEqual([]);
    expect(existsSync(join(root, 'deploy/apps/old'))).toBe(false);
  });

  it('renders from images.json as it is on disk at call time (what `quickship release` relies on)', () => {
    const root = scratch();
    const tag = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/payments:2.0.0';
    const images = JSON.parse(readFileSync(join(root, 'packages/manifests/images.json'), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    writeFileSync(join(root, 'packages/manifests/images.json'), JSON.stringify({ ...images, eks: { payments: tag } }));
    const out = renderAll({ root });
    expect(out.get('deploy/apps/payments/rollout.yaml')).toContain(`image: ${tag}`);
    expect(out.get('deploy/apps/payments/migrate-job.yaml')).toContain(`image: ${tag}`);
    expect(out.get('deploy/apps/payments/analysistemplate-smoke.yaml')).toContain(`image: ${tag}`);
  });
});
