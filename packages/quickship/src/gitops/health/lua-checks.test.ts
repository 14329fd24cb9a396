// Argo CD's own test cases for the Rollout and AnalysisRun health scripts (resource_customizations/
// argoproj.io/<Kind>/health_test.yaml with their testdata, read from ../shared/corpus/argo-cd):
// every case must give the same status and the same message. Argo CD's Lua test runner compares
// messages as strings, so an absent message is "".
import { describe, expect, it } from 'vitest';
import { argoCdObject, hasArgoCdCorpus, healthCases } from '../testing/argo-cd-corpus.ts';
import { resourceHealth } from './health.ts';

for (const kind of ['Rollout', 'AnalysisRun']) {
  describe.skipIf(!hasArgoCdCorpus)(`${kind} health against Argo CD's health_test.yaml`, () => {
    it('has cases', () => expect(healthCases(kind).length).toBeGreaterThan(10));
    for (const { inputPath, healthStatus } of healthCases(kind)) {
      it(`${inputPath}: ${healthStatus.status} ${JSON.stringify(healthStatus.message ?? '')}`, () => {
        const health = resourceHealth(argoCdObject(`${kind}/${inputPath}`));
        expect({ status: health?.status, message: health?.message ?? '' }).toEqual({
          status: healthStatus.status,
          message: healthStatus.message ?? '',
        });
      });
    }
  });
}
