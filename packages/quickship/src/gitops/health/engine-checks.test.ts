// gitops-engine's health tests (pkg/health/health_test.go, kept in the corpus as
// health_test.go.txt) name the expected status of each testdata file; the corpus holds those files
// for Jobs, Pods, Services, Ingresses, HPAs and Applications. Every file in the corpus folder must
// be named by the Go test, and give that status (and the message where the Go test asserts one).
import { describe, expect, it } from 'vitest';
import { argoCdFiles, argoCdObject, hasArgoCdCorpus, readArgoCd } from '../testing/argo-cd-corpus.ts';
import { resourceHealth } from './health.ts';

const FOLDER = 'gitops-engine-health';

interface EngineCase {
  readonly file: string;
  /** null: the Go test asserts there is no health (assert.Nil). */
  readonly status: string | null;
  readonly message?: string;
}

function engineCases(): EngineCase[] {
  if (!hasArgoCdCorpus) return [];
  const go = readArgoCd(`${FOLDER}/health_test.go.txt`);
  const cases = new Map<string, EngineCase>();
  for (const [, file = '', status = ''] of go.matchAll(/assertAppHealth\(t, "[^"]*\/([^"/]+)", HealthStatus(\w+)\)/g)) {
    cases.set(file, { file, status });
  }
  for (const [, file = ''] of go.matchAll(/assert\.Nil\(t, getHealthStatus\(t, "[^"]*\/([^"/]+)"\)\)/g)) {
    cases.set(file, { file, status: null });
  }
  for (const [, message = '', file = ''] of go.matchAll(
    /assert\.Equal\(t, "([^"]*)", getHealthStatus\(t, "[^"]*\/([^"/]+)"\)\.Message\)/g,
  )) {
    const known = cases.get(file);
    if (known !== undefined) cases.set(file, { ...known, message });
  }
  return [...cases.values()];
}

describe.skipIf(!hasArgoCdCorpus)("gitops-engine health against its health_test.go's expectations", () => {
  const cases = engineCases();
  const inCorpus = argoCdFiles(FOLDER).filter((f) => f.endsWith('.yaml'));

  it('the Go test names every testdata file in the corpus', () => {
    const named = new Set(cases.map((c) => c.file));
    expect(inCorpus.filter((f) => !named.has(f))).toEqual([]);
    expect(inCorpus.length).toBeGreaterThan(30);
  });

  for (const c of cases.filter((c) => inCorpus.includes(c.file))) {
    const expected = c.status === null ? 'no health' : c.status;
    it(`${c.file}: ${expected}${c.message === undefined ? '' : ` "${c.message}"`}`, () => {
      const health = resourceHealth(argoCdObject(`${FOLDER}/${c.file}`));
      if (c.status === null) {
        expect(health).toBeUndefined();
        return;
      }
      expect(health?.status).toBe(c.status);
      if (c.message !== undefined) expect(health?.message).toBe(c.message);
    });
  }
});
