import { describe, expect, it } from 'vitest';
import { ManifestParseError } from './errors.ts';
import { apiGroup, objectIdentity, splitManifests } from './manifests.ts';

describe('splitManifests', () => {
  it('splits multi-document YAML with file, index and line, skipping empty documents', () => {
    const docs = splitManifests(
      '---\nkind: Service\nmetadata: {name: a}\n---\n---\n# only a comment\n---\nkind: Rollout\n',
      'deploy/x.yaml',
    );
    expect(docs.map((d) => [d.file, d.index, d.line, d.object.kind])).toEqual([
      ['deploy/x.yaml', 0, 1, 'Service'],
      ['deploy/x.yaml', 3, 7, 'Rollout'],
    ]);
  });

  it('reads JSON files', () => {
    const [doc] = splitManifests('{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}', 'svc.json');
    expect(doc?.object).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } });
  });

  it('reads YAML 1.1 scalars as Kubernetes does (yes/on are booleans)', () => {
    const [doc] = splitManifests('a: yes\nb: "yes"\nc: on\n', 'x.yaml');
    expect(doc?.object).toEqual({ a: true, b: 'yes', c: true });
  });

  it('flattens a kind: List', () => {
    const docs = splitManifests('kind: List\nitems:\n- kind: A\n- kind: B\n', 'list.yaml');
    expect(docs.map((d) => d.object.kind)).toEqual(['A', 'B']);
  });

  it('names the file, document and line of a syntax error', () => {
    const parse = (): unknown => splitManifests('kind: A\n---\nkind: B\nspec: [1,\n', 'bad.yaml');
    expect(parse).toThrow(ManifestParseError);
    expect(parse).toThrow(/bad\.yaml: document 1 \(line \d+\)/);
  });

  it('rejects duplicate keys, which kubectl also rejects', () => {
    expect(() => splitManifests('a: 1\na: 2\n', 'dup.yaml')).toThrow(/Map keys must be unique/);
  });

  it('rejects a document that is not an object', () => {
    expect(() => splitManifests('- 1\n- 2\n', 'list.yaml')).toThrow(/expected a Kubernetes object/);
  });
});

describe('objectIdentity / apiGroup', () => {
  it('reads apiVersion, kind, name and namespace', () => {
    expect(
      objectIdentity({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'p', namespace: 'n' } }),
    ).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      name: 'p',
      namespace: 'n',
    });
    expect(objectIdentity({})).toEqual({ apiVersion: '', kind: '', name: '' });
  });
  it('extracts the API group', () => {
    expect(apiGroup('argoproj.io/v1alpha1')).toBe('argoproj.io');
    expect(apiGroup('v1')).toBe('');
  });
});
