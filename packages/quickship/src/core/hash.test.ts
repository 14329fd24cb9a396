import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  canonicallyEqual,
  computePodTemplateHash,
  fnv32a,
  safeEncodeString,
  specFingerprint,
} from './hash.ts';
import { corpusDocuments, hasCorpus } from './testing/corpus.ts';

const template = {
  metadata: { labels: { app: 'payments' } },
  spec: { containers: [{ name: 'payments', image: 'payments:1.0.0', env: [{ name: 'A', value: '1' }] }] },
};
const HASH_CHARS = /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/;

describe('fnv32a / safeEncodeString (Go hash/fnv, k8s rand.SafeEncodeString)', () => {
  it('matches the FNV-1a 32-bit reference vectors', () => {
    const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
    expect(fnv32a(enc(''))).toBe(0x811c9dc5);
    expect(fnv32a(enc('a'))).toBe(0xe40c292c);
    expect(fnv32a(enc('foobar'))).toBe(0xbf9cf968);
  });
  it('maps each character into the vowel-free alphabet', () => {
    // '0'..'9' are bytes 48..57; 48 % 27 = 21 → '4', 54 % 27 = 0 → 'b'.
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
  });
});

describe('computePodTemplateHash', () => {
  it('is deterministic and independent of key order', () => {
    const reordered = {
      spec: { containers: [{ env: [{ value: '1', name: 'A' }], image: 'payments:1.0.0', name: 'payments' }] },
      metadata: { labels: { app: 'payments' } },
    };
    expect(computePodTemplateHash(template)).toBe(computePodTemplateHash(reordered));
    expect(computePodTemplateHash(template)).toMatch(HASH_CHARS);
  });
  it('changes with the image, an env value, or the collision count', () => {
    const h = computePodTemplateHash(template);
    const withImage = structuredClone(template);
    withImage.spec.containers[0]!.image = 'payments:1.0.1';
    const withEnv = structuredClone(template);
    withEnv.spec.containers[0]!.env[0]!.value = '2';
    expect(
      new Set([
        h,
        computePodTemplateHash(withImage),
        computePodTemplateHash(withEnv),
        computePodTemplateHash(template, 1),
      ]).size,
    ).toBe(4);
  });
  it('gives different hashes to different templates (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b);
        const ta = { spec: { containers: [{ image: a }] } };
        const tb = { spec: { containers: [{ image: b }] } };
        return canonicalJson(ta) !== canonicalJson(tb) && computePodTemplateHash(ta).length <= 10;
      }),
    );
  });
  it.skipIf(!hasCorpus)('has the format of the hashes a real controller wrote (status-bluegreen)', () => {
    const hashes = ['active-rs.yaml', 'preview-rs.yaml', 'old-rs.yaml'].map((f) => {
      const rs = corpusDocuments(`status-bluegreen/${f}`)[0]?.object as {
        metadata: { labels: Record<string, string> };
      };
      return rs.metadata.labels['rollouts-pod-template-hash'] ?? '';
    });
    expect(hashes).toEqual(['6cbccd9f99', '74b948fccb', '746d5fddf6']);
    const ours = computePodTemplateHash(
      (corpusDocuments('status-bluegreen/bluegreen-rollout.yaml')[0]?.object as { spec: { template: unknown } }).spec
        .template,
    );
    for (const h of [...hashes, ours]) expect(h).toMatch(/^[4-9bcdf]{8,10}$/);
  });
});

describe('specFingerprint', () => {
  it('ignores the ignored-field list but not what the controller acts on', () => {
    expect(specFingerprint({ replicas: 2, ignored: [] })).toBe(
      specFingerprint({ replicas: 2, ignored: [{ path: 'x' }] }),
    );
    expect(specFingerprint({ replicas: 2 })).not.toBe(specFingerprint({ replicas: 3 }));
  });
});

describe('canonicallyEqual', () => {
  it('agrees with comparing canonicalJson strings (property, including near values)', () => {
    const leaf = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.boolean(),
      fc.integer({ min: -3, max: 3 }),
      fc.constantFrom('a', 'b', ''),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { maxDepth: 3 },
        leaf,
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('x', 'y', 'z'), tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(canonicallyEqual(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
        expect(canonicallyEqual(a, structuredClone(a))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });
  it('ignores key order and undefined-valued keys, as canonicalJson does', () => {
    expect(canonicallyEqual({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1, d: undefined })).toBe(true);
    expect(canonicallyEqual({ a: 1 }, { a: 1, b: null })).toBe(false);
    // fast-check's counterexample: an undefined-valued key does not match a null one.
    expect(canonicallyEqual({ x: null }, { y: [], x: undefined })).toBe(false);
    expect(canonicallyEqual([1, { a: 2 }], [1, { a: 3 }])).toBe(false);
  });
});
