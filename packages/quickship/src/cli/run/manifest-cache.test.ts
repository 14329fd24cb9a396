// The lint's YAML cache gives exactly what splitManifests gives, reads a hit without parsing,
// keeps neither a file with a syntax error nor values JSON cannot carry.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManifestParseError } from '../../core/errors.ts';
import { splitManifests } from '../../core/manifests.ts';
import { splitManifestsCached } from './manifest-cache.ts';

let dir: string;
const saved = process.env.QUICKSHIP_CACHE_DIR;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'quickship-cache-'));
  process.env.QUICKSHIP_CACHE_DIR = dir;
});
afterEach(() => {
  if (saved === undefined) delete process.env.QUICKSHIP_CACHE_DIR;
  else process.env.QUICKSHIP_CACHE_DIR = saved;
  rmSync(dir, { recursive: true, force: true });
});

const entries = (): string[] =>
  readdirSync(dir).flatMap((sub) => readdirSync(join(dir, sub)).map((f) => join(dir, sub, f)));

const TWO = `apiVersion: v1
kind: Service
metadata: {name: a}
---
---
apiVersion: v1
kind: List
items: [{apiVersion: v1, kind: ConfigMap, metadata: {name: b}, data: {on: yes}}]
`;

describe('splitManifestsCached', () => {
  it('returns what splitManifests returns, then serves it from the entry', async () => {
    expect(await splitManifestsCached(TWO, 'x.yaml')).toEqual(splitManifests(TWO, 'x.yaml'));
    const [entry] = entries();
    expect(entry).toMatch(/yaml-2\.\d+\.\d+-\d+\/[0-9a-f]{16}\.json$/);
    // The file name is not part of the entry: the same text elsewhere is a hit with its own name.
    expect((await splitManifestsCached(TWO, 'y.yaml')).map((d) => d.file)).toEqual(['y.yaml', 'y.yaml']);
    writeFileSync(entry!, JSON.stringify({ key: TWO, value: [{ line: 1, value: { kind: 'FromCache' } }] }));
    expect((await splitManifestsCached(TWO, 'x.yaml')).map((d) => d.object.kind)).toEqual(['FromCache']);
  });

  it('keeps no entry for a syntax error (raised every time) nor for !!binary (JSON cannot carry it)', async () => {
    const broken = 'kind: Service\n  : not yaml: [\n';
    await expect(splitManifestsCached(broken, 'b.yaml')).rejects.toThrow(ManifestParseError);
    await expect(splitManifestsCached(broken, 'b.yaml')).rejects.toThrow(ManifestParseError);
    const binary = 'kind: ConfigMap\nbinaryData: {x: !!binary aGk=}\n';
    expect(await splitManifestsCached(binary, 'c.yaml')).toEqual(splitManifests(binary, 'c.yaml'));
    expect(entries()).toEqual([]);
  });
});
