// Blue/green with pre- and post-promotion analysis, as Argo Rollouts runs it (rollout/analysis.go,
// bluegreen.go, service.go, sync.go): each rule below fails if it is removed from the core.
import { describe, expect, it } from 'vitest';
import { FakeCluster, rolloutYaml, specOf } from './testing/fake-cluster.ts';
import { abort, promote, retry } from './verbs.ts';

const ANALYSIS = `      prePromotionAnalysis:
        templates: [{templateName: smoke}]
      postPromotionAnalysis:
        templates: [{templateName: error-rate}]`;
const FAILED = 'Metric "error-rate" assessed Failed due to failed (1) > failureLimit (0)';

function cluster(extra = `      autoPromotionEnabled: false\n${ANALYSIS}`): FakeCluster {
  const c = new FakeCluster(specOf(rolloutYaml({ image: 'payments:v1', extra })));
  c.settle().advance(1000);
  return c;
}

function release(c: FakeCluster, image: string, extra = `      autoPromotionEnabled: false\n${ANALYSIS}`): string {
  c.spec = specOf(rolloutYaml({ image, extra }));
  c.settle();
  return c.rs(image).podTemplateHash;
}

describe('blue/green analysis (Argo Rollouts semantics)', () => {
  it('runs no analysis on the first deploy', () => {
    const c = cluster();
    expect(c.analysisRuns).toEqual([]);
    expect(c.status.stableRS).toBe(c.rs('payments:v1').podTemplateHash);
  });

  it('starts pre-promotion once the new ReplicaSet is fully available behind preview; promote waits for Successful', () => {
    const c = cluster();
    const v1 = c.rs('payments:v1').podTemplateHash;
    const v2 = release(c, 'payments:v2');
    expect(c.analysisRuns).toEqual([]); // not available yet
    c.advance(1000);
    expect(c.analysisRuns.map((r) => r.name)).toEqual([`payments-${v2}-2-pre`]);
    expect(c.status.blueGreen.prePromotionAnalysisRunStatus).toEqual({
      name: `payments-${v2}-2-pre`,
      status: 'Running',
    });
    // A promote while the run is Running does not switch; upstream pauses again (controllerPause
    // falls with the last pause condition, reconcileBlueGreenPause re-adds BlueGreenPause).
    c.status = promote(c.spec, c.status, { full: false }).status;
    c.settle();
    expect(c.last?.services.active).toBe(v1);
    expect(c.status.pauseConditions.map((p) => p.reason)).toEqual(['BlueGreenPause']);
    c.finishRun(`payments-${v2}-2-pre`, 'Successful');
    expect(c.last?.services.active).toBe(v1);
    c.status = promote(c.spec, c.status, { full: false }).status;
    c.settle();
    expect(c.last?.services.active).toBe(v2);
    expect(c.events).toContain(
      `AnalysisRunSuccessful: PrePromotion Analysis Run 'payments-${v2}-2-pre' Status New: 'Successful' Previous: 'Running'`,
    );
  });

  it('with autoPromotionEnabled the switch still waits for pre-promotion analysis', () => {
    const extra = `      autoPromotionEnabled: true\n${ANALYSIS}`;
    const c = cluster(extra);
    const v1 = c.rs('payments:v1').podTemplateHash;
    const v2 = release(c, 'payments:v2', extra);
    c.advance(1000).advance(60_000);
    expect(c.last?.services.active).toBe(v1);
    c.finishRun(`payments-${v2}-2-pre`, 'Successful');
    expect(c.last?.services.active).toBe(v2);
  });

  it('a Failed pre-promotion run aborts with its message; active never moves', () => {
    const c = cluster();
    const v1 = c.rs('payments:v1').podTemplateHash;
    const v2 = release(c, 'payments:v2');
    c.advance(1000).finishRun(`payments-${v2}-2-pre`, 'Failed', FAILED);
    expect(c.status.abort).toBe(true);
    expect(c.last?.services.active).toBe(v1);
    expect(c.status.stableRS).toBe(v1);
    expect(c.status.blueGreen.prePromotionAnalysisRunStatus).toEqual({
      name: `payments-${v2}-2-pre`,
      status: 'Failed',
      message: FAILED,
    });
    const progressing = c.status.conditions.find((x) => x.type === 'Progressing');
    expect(progressing?.reason).toBe('RolloutAborted');
    expect(progressing?.message).toBe(`Rollout aborted update to revision 2: ${FAILED}`);
    c.advance(31_000);
    expect(c.rs('payments:v2').replicas).toBe(0);
    expect(c.last?.services.active).toBe(v1);
  });

  it('an Error run aborts like a Failed one', () => {
    const c = cluster();
    const v2 = release(c, 'payments:v2');
    c.advance(1000).finishRun(
      `payments-${v2}-2-pre`,
      'Error',
      'Metric "smoke" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4)',
    );
    expect(c.status.abort).toBe(true);
  });

  it('retry after a failed analysis creates a new run (collision name .1) and does not re-abort', () => {
    const c = cluster();
    const v2 = release(c, 'payments:v2');
    c.advance(1000).finishRun(`payments-${v2}-2-pre`, 'Failed', FAILED);
    c.advance(31_000);
    c.status = retry(c.spec, c.status).status;
    c.settle().advance(1000);
    expect(c.status.abort).toBe(false);
    expect(c.status.abortedAt).toBeUndefined();
    expect(c.analysisRuns.map((r) => r.name)).toEqual([`payments-${v2}-2-pre`, `payments-${v2}-2-pre.1`]);
    expect(c.status.blueGreen.prePromotionAnalysisRunStatus?.name).toBe(`payments-${v2}-2-pre.1`);
  });

  it('abort by hand terminates the running analysis', () => {
    const c = cluster();
    const v2 = release(c, 'payments:v2');
    c.advance(1000);
    c.status = abort(c.spec, c.status).status;
    c.settle();
    expect(c.analysisRuns.find((r) => r.name === `payments-${v2}-2-pre`)?.terminate).toBe(true);
  });

  it('Inconclusive pauses (InconclusiveAnalysis); promote starts a new run', () => {
    const c = cluster();
    const v1 = c.rs('payments:v1').podTemplateHash;
    const v2 = release(c, 'payments:v2');
    c.advance(1000).finishRun(`payments-${v2}-2-pre`, 'Inconclusive');
    expect(c.status.pauseConditions.map((p) => p.reason)).toEqual(['BlueGreenPause', 'InconclusiveAnalysis']);
    expect(c.status.abort).toBe(false);
    expect(c.last?.services.active).toBe(v1);
    c.status = promote(c.spec, c.status, { full: false }).status;
    c.settle();
    expect(c.status.blueGreen.prePromotionAnalysisRunStatus?.name).toBe(`payments-${v2}-2-pre.1`);
    expect(c.last?.services.active).toBe(v1);
    c.finishRun(`payments-${v2}-2-pre.1`, 'Successful');
    c.status = promote(c.spec, c.status, { full: false }).status;
    c.settle();
    expect(c.last?.services.active).toBe(v2);
  });

  it('post-promotion: stable moves only when it succeeds', () => {
    const c = cluster();
    const v1 = c.rs('payments:v1').podTemplateHash;
    const v2 = release(c, 'payments:v2');
    c.advance(1000).finishRun(`payments-${v2}-2-pre`, 'Successful');
    c.status = promote(c.spec, c.status, { full: false }).status;
    c.settle();
    expect(c.last?.services.active).toBe(v2);
    expect(c.status.stableRS).toBe(v1);
    expect(c.status.blueGreen.postPromotionAnalysisRunStatus).toEqual({
      name: `payments-${v2}-2-post`,
      status: 'Running',
    });
    expect(c.status.blueGreen.prePromotionAnalysisRunStatus).toBeUndefined();
    c.advance(60_000); // well past scaleDownDelaySeconds: the previous stable stays up while it is stable
    expect(c.rs('payments:v1').replicas).toBe(2);
    c.finishRun(`payments-${v2}-2-post`, 'Successful');
    expect(c.status.stableRS).toBe(v2);
  });

  it('post-promotion failure aborts and switches active back to the previous stable ReplicaSet', () => {
    const c = cluster();
    const v1 = c.rs('payments:v1').podTemplateHash;
    const v2 = release(c, 'payments:v2');
    c.advance(1000).finishRun(`payments-${v2}-2-pre`, 'Successful');
    c.status = promote(c.spec, c.status, { full: false }).status;
    c.settle().advance(5000).finishRun(`payments-${v2}-2-post`, 'Failed', FAILED);
    expect(c.status.abort).toBe(true);
    expect(c.last?.services.active).toBe(v1);
    expect(c.status.stableRS).toBe(v1);
    expect(
      c.events.some(
        (e) => e === `SwitchService: Switched selector for service 'payments-active' from '${v2}' to '${v1}'`,
      ),
    ).toBe(true);
    expect(c.status.blueGreen.postPromotionAnalysisRunStatus?.status).toBe('Failed');
  });

  it('promote --full terminates the analysis and promotes at once', () => {
    const c = cluster();
    const v2 = release(c, 'payments:v2');
    c.advance(1000);
    c.status = promote(c.spec, c.status, { full: true }).status;
    c.settle();
    expect(c.last?.services.active).toBe(v2);
    expect(c.status.stableRS).toBe(v2);
    expect(c.analysisRuns.every((r) => r.terminate)).toBe(true);
  });

  it("a new revision terminates the previous revision's runs", () => {
    const c = cluster();
    const v2 = release(c, 'payments:v2');
    c.advance(1000);
    const v3 = release(c, 'payments:v3');
    c.advance(1000);
    expect(c.analysisRuns.find((r) => r.name === `payments-${v2}-2-pre`)?.terminate).toBe(true);
    expect(c.status.blueGreen.prePromotionAnalysisRunStatus?.name).toBe(`payments-${v3}-3-pre`);
  });

  it('a rollback within spec.rollbackWindow runs no analysis and switches active back', () => {
    const windowed = (image: string): ReturnType<typeof specOf> =>
      specOf(
        rolloutYaml({ image, extra: `      autoPromotionEnabled: false\n${ANALYSIS}` }).replace(
          'spec:\n  replicas',
          'spec:\n  rollbackWindow: {revisions: 1}\n  replicas',
        ),
      );
    const c = new FakeCluster(windowed('payments:v1'));
    c.settle().advance(1000);
    const v1 = c.rs('payments:v1').podTemplateHash;
    c.spec = windowed('payments:v2');
    c.settle().advance(1000);
    const v2 = c.rs('payments:v2').podTemplateHash;
    c.finishRun(`payments-${v2}-2-pre`, 'Successful');
    c.status = promote(c.spec, c.status, { full: false }).status;
    c.settle().advance(1000);
    c.finishRun(`payments-${v2}-2-post`, 'Successful');
    expect(c.status.stableRS).toBe(v2);
    c.advance(31_000).advance(1000); // past scaleDownDelaySeconds: v1 is scaled down, not a fast rollback
    const before = c.analysisRuns.length;
    c.spec = windowed('payments:v1');
    c.settle().advance(1000).advance(1000);
    expect(c.analysisRuns.slice(before).filter((r) => !r.terminate)).toEqual([]);
    expect(c.analysisRuns.some((r) => r.name.startsWith(`payments-${v1}-`))).toBe(false);
    expect(c.last?.services.active).toBe(v1);
    expect(c.status.stableRS).toBe(v1);
  });
});
