// spec.rollbackWindow through the pure reconcile: a revert to a recent ReplicaSet that was
// already scaled down skips the blue/green pause and switches the active Service back as soon as
// it is fully available; outside the window (or without one) the pause is back.
import { describe, expect, it } from 'vitest';
import type { ReplicaSetObservation } from '../../model.ts';
import type { ReconcileResult } from '../bluegreen.ts';
import { FakeCluster, rolloutYaml, specOf } from '../testing/fake-cluster.ts';
import { promote } from '../verbs.ts';
import { isRollbackWithinWindow } from './rollback-window.ts';

const at = (iso: string): { createdAt: string } => ({ createdAt: `2026-01-01T00:00:0${iso}Z` });

describe('isRollbackWithinWindow', () => {
  const v1 = at('1');
  const v2 = at('2');
  const v3 = at('3');
  it('counts the ReplicaSets created between the target and stable against revisions', () => {
    expect(isRollbackWithinWindow({ rollbackWindow: { revisions: 1 } }, v2, v3, [v1, v2, v3])).toBe(true);
    expect(isRollbackWithinWindow({ rollbackWindow: { revisions: 1 } }, v1, v3, [v1, v2, v3])).toBe(false);
    expect(isRollbackWithinWindow({ rollbackWindow: { revisions: 2 } }, v1, v3, [v1, v2, v3])).toBe(true);
  });
  it('is never a rollback forward, to stable itself, without stable, or without a window', () => {
    expect(isRollbackWithinWindow({ rollbackWindow: { revisions: 3 } }, v3, v2, [v1, v2, v3])).toBe(false);
    expect(isRollbackWithinWindow({ rollbackWindow: { revisions: 3 } }, v2, v2, [v1, v2, v3])).toBe(false);
    expect(isRollbackWithinWindow({ rollbackWindow: { revisions: 3 } }, v1, undefined, [v1])).toBe(false);
    expect(isRollbackWithinWindow({}, v2, v3, [v1, v2, v3])).toBe(false);
    expect(isRollbackWithinWindow({ rollbackWindow: { revisions: 0 } }, v2, v3, [v1, v2, v3])).toBe(false);
  });
});

function withWindow(image: string, revisions: number | undefined): ReturnType<typeof specOf> {
  const yaml = rolloutYaml({ image: `payments:${image}`, replicas: 2 });
  return specOf(
    revisions === undefined
      ? yaml
      : yaml.replace('spec:\n  replicas', `spec:\n  rollbackWindow: {revisions: ${revisions}}\n  replicas`),
  );
}

/** v1 … vN released one after the other (autoPromotionEnabled: false, so each one promoted), old ones scaled down. */
function released(images: readonly string[], revisions: number | undefined): FakeCluster {
  const [first, ...rest] = images;
  const c = new FakeCluster(withWindow(first ?? 'v1', revisions), () => 2000);
  c.onPass = (result: ReconcileResult, observed: ReplicaSetObservation[]) => {
    const active = result.services.active;
    if (active === undefined) return;
    const o = observed.find((x) => x.podTemplateHash === active);
    expect(o?.availableReplicas, `active ${active} must be fully available`).toBe(2);
  };
  c.settle().advance(2000);
  for (const image of rest) {
    c.spec = withWindow(image, revisions);
    c.settle().advance(2000);
    expect(c.status.pauseConditions.map((p) => p.reason)).toEqual(['BlueGreenPause']);
    c.status = promote(c.spec, c.status, { full: false }).status;
    c.settle().advance(31_000);
  }
  return c;
}

describe('spec.rollbackWindow in the blue/green reconcile', () => {
  it('a revert to the previous release after its scale-down: no pause, active back once it is available', () => {
    const c = released(['v1', 'v2'], 1);
    const v1 = c.rs('payments:v1').podTemplateHash;
    expect(c.rs('payments:v1').replicas).toBe(0);
    c.spec = withWindow('v1', 1);
    c.settle();
    expect(c.rs('payments:v1').replicas).toBe(2);
    // Not yet available: the active Service stays where it is.
    expect(c.last?.services.active).toBe(c.rs('payments:v2').podTemplateHash);
    c.advance(2000);
    expect(c.last?.services.active).toBe(v1);
    expect(c.status.stableRS).toBe(v1);
    expect(c.status.pauseConditions).toEqual([]);
    expect(c.events.some((e) => e.includes('Rollback within window'))).toBe(true);
  });

  it('without rollbackWindow the same revert pauses before the switch (autoPromotionEnabled: false)', () => {
    const c = released(['v1', 'v2'], undefined);
    c.spec = withWindow('v1', undefined);
    c.settle().advance(2000).advance(60_000);
    expect(c.status.pauseConditions.map((p) => p.reason)).toEqual(['BlueGreenPause']);
    expect(c.last?.services.active).toBe(c.rs('payments:v2').podTemplateHash);
  });

  it('two releases back is outside revisions: 1 and inside revisions: 2', () => {
    const outside = released(['v1', 'v2', 'v3'], 1);
    outside.spec = withWindow('v1', 1);
    outside.settle().advance(2000);
    expect(outside.status.pauseConditions.map((p) => p.reason)).toEqual(['BlueGreenPause']);
    expect(outside.last?.services.active).toBe(outside.rs('payments:v3').podTemplateHash);

    const inside = released(['v1', 'v2', 'v3'], 2);
    inside.spec = withWindow('v1', 2);
    inside.settle().advance(2000);
    expect(inside.status.pauseConditions).toEqual([]);
    expect(inside.last?.services.active).toBe(inside.rs('payments:v1').podTemplateHash);
  });

  it('a rollback within the window clears an abort of the update it leaves', () => {
    const c = released(['v1', 'v2'], 1);
    c.spec = withWindow('v3', 1);
    c.settle().advance(2000);
    c.status = { ...c.status, abort: true };
    c.settle();
    c.spec = withWindow('v1', 1);
    c.settle().advance(2000);
    expect(c.status.abort).toBe(false);
    expect(c.last?.services.active).toBe(c.rs('payments:v1').podTemplateHash);
  });
});

describe('parseRollout: spec.rollbackWindow', () => {
  it('runs revisions (not listed as ignored) and refuses a negative count', () => {
    const spec = withWindow('v1', 1);
    expect(spec.rollbackWindow).toEqual({ revisions: 1 });
    expect(spec.ignored.map((f) => f.path)).not.toContain('spec.rollbackWindow');
    expect(() => withWindow('v1', -1)).toThrow(/spec\.rollbackWindow\.revisions/);
  });
});
