// Argo CD's own test cases for the Rollout and AnalysisRun actions (resource_customizations/
// argoproj.io/<Kind>/actions/action_test.yaml with their testdata, read from
// ../shared/corpus/argo-cd): each action must produce the expected object, and discovery the same
// enabled/disabled actions. Upstream compares with a diff that ignores fields absent from the
// expected file; here the whole object must be equal (null and absent are the same: a merge patch
// removes a field set to null). restart's spec.restartAt is the time of the call: the corpus
// expects "0001-01-01T00:00:00Z" (Argo CD's test normalizer blanks it), so the case runs at that
// instant, and a second test checks the format at the real time.
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../store/object.ts';
import { argoCdObject, hasArgoCdCorpus, readArgoCd } from '../testing/argo-cd-corpus.ts';
import { runResourceAction } from './actions.ts';
import { analysisRunActionsAvailable, rolloutActionsAvailable, type ResourceAction } from './discovery.ts';
import { ActionNotApplicableError, UnknownActionError } from './errors.ts';
import { actionPatch } from './patch.ts';

interface ActionTests {
  readonly discoveryTests?: { inputPath: string; result: ResourceAction[] }[];
  readonly actionTests?: { action: string; inputPath: string; expectedOutputPath: string }[];
}

function actionTests(kind: string): ActionTests {
  if (!hasArgoCdCorpus) return {};
  return parse(readArgoCd(`${kind}/actions/action_test.yaml`)) as ActionTests;
}

/** JSON with null-valued keys dropped (absent and null mean the same to a merge patch). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

const ZERO_TIME = new Date('0001-01-01T00:00:00Z');
const byName = (list: readonly ResourceAction[]): ResourceAction[] =>
  [...list].sort((a, b) => a.name.localeCompare(b.name));

const DISCOVERY: Record<string, (obj: KubeObject) => ResourceAction[]> = {
  Rollout: rolloutActionsAvailable,
  AnalysisRun: analysisRunActionsAvailable,
};

for (const kind of ['Rollout', 'AnalysisRun']) {
  describe.skipIf(!hasArgoCdCorpus)(`${kind} actions against Argo CD's action_test.yaml`, () => {
    const { actionTests: actions = [], discoveryTests = [] } = actionTests(kind);
    const read = (file: string): KubeObject => argoCdObject(`${kind}/actions/${file}`);

    for (const { action, inputPath, expectedOutputPath } of actions) {
      it(`${action} ${inputPath} → ${expectedOutputPath}`, () => {
        const input = read(inputPath);
        const before = structuredClone(input);
        const result = runResourceAction(input, action, ZERO_TIME);
        expect(withoutNulls(result)).toEqual(withoutNulls(read(expectedOutputPath)));
        expect(input, 'the live object is not modified').toEqual(before);
      });
    }

    for (const { inputPath, result } of discoveryTests) {
      it(`discovery ${inputPath}`, () => {
        expect(byName(DISCOVERY[kind]?.(read(inputPath)) ?? [])).toEqual(byName(result));
      });
    }
  });
}

describe.skipIf(!hasArgoCdCorpus)('what Argo CD sends for an action', () => {
  const rollout = (file: string): KubeObject => argoCdObject(`Rollout/actions/testdata/${file}`);

  it('restart sets spec.restartAt to now, UTC to the second', () => {
    const before = Date.now();
    const result = runResourceAction(rollout('rollout_not_restarted.yaml'), 'restart');
    const restartAt = (result.spec as { restartAt: string }).restartAt;
    expect(restartAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(restartAt)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(restartAt)).toBeLessThanOrEqual(Date.now());
  });

  it('abort and retry patch status only; restart and pause the object only', () => {
    const paused = rollout('has_pause_condition_rollout.yaml');
    expect(actionPatch(paused, runResourceAction(paused, 'abort'))).toEqual({ status: { status: { abort: true } } });
    const aborted = rollout('v0.9_aborted_rollout.yaml');
    expect(actionPatch(aborted, runResourceAction(aborted, 'retry'))).toEqual({ status: { status: { abort: null } } });
    const plain = rollout('rollout_not_restarted.yaml');
    expect(actionPatch(plain, runResourceAction(plain, 'restart', ZERO_TIME))).toEqual({
      object: { spec: { restartAt: '0001-01-01T00:00:00Z' } },
    });
    expect(actionPatch(plain, runResourceAction(plain, 'pause'))).toEqual({ object: { spec: { paused: true } } });
  });

  it('resume on a paused pre-v0.6 Rollout patches spec.paused only', () => {
    const input = rollout('pre_v0.6_paused_rollout.yaml');
    expect(actionPatch(input, runResourceAction(input, 'resume'))).toEqual({ object: { spec: { paused: false } } });
  });

  it('skip-current-step is offered until the last canary step', () => {
    // The file has no metadata.generation, on which discovery's script would fail: give it one.
    const file = rollout('rollout-step1.yaml');
    const step1: KubeObject = { ...file, metadata: { ...file.metadata, generation: 1 } };
    const spec = step1.spec as { strategy: { canary: { steps: unknown[] } } };
    const atEnd = {
      ...step1,
      status: { ...(step1.status as object), currentStepIndex: spec.strategy.canary.steps.length },
    };
    const skip = (obj: KubeObject): boolean | undefined =>
      rolloutActionsAvailable(obj).find((a) => a.name === 'skip-current-step')?.disabled;
    expect(skip(step1)).toBe(false);
    expect(skip(atEnd)).toBe(true);
    expect(runResourceAction(atEnd, 'skip-current-step')).toEqual(atEnd);
  });

  it('an action that changes nothing sends nothing', () => {
    const healthy = rollout('healthy_rollout.yaml');
    expect(actionPatch(healthy, runResourceAction(healthy, 'resume'))).toEqual({});
  });
});

describe('action errors', () => {
  const bare: KubeObject = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'payments', generation: 1 },
    spec: {},
  };

  it('names an unknown action and the ones that exist', () => {
    expect(() => runResourceAction(bare, 'promote')).toThrow(UnknownActionError);
    expect(() => runResourceAction(bare, 'promote')).toThrow(
      '"promote" is not an Argo CD action of Rollout: use one of restart, resume, abort, retry, pause, promote-full, skip-current-step.',
    );
    const configMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    expect(() => runResourceAction(configMap, 'restart')).toThrow('ConfigMap has no resource actions in Argo CD');
  });

  it('refuses abort on a Rollout with no status, as the script would fail', () => {
    expect(() => runResourceAction(bare, 'abort')).toThrow(ActionNotApplicableError);
    expect(() => runResourceAction(bare, 'abort')).toThrow(
      'Rollout "payments": action abort needs status, which the object does not have; wait for its controller to report status, then run it again.',
    );
  });

  it('promote-full on a Rollout with no status changes nothing, as upstream', () => {
    expect(runResourceAction(bare, 'promote-full')).toEqual(bare);
  });

  it('terminate sets spec.terminate on an AnalysisRun', () => {
    const run: KubeObject = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name: 'a' },
      spec: {},
    };
    expect(runResourceAction(run, 'terminate').spec).toEqual({ terminate: true });
  });
});
