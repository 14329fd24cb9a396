import { describe, expect, it } from 'vitest';
import { VerbNotApplicableError, type ControllerStatus, type ReplicaSetState } from '../model.ts';
import { initialControllerStatus } from './bluegreen.ts';
import { abort, promote, restart, retry, undo } from './verbs.ts';
import { rolloutYaml, specOf } from './testing/fake-cluster.ts';

const spec = specOf(rolloutYaml({ image: 'payments:v2' }));
const paused: ControllerStatus = {
  ...initialControllerStatus(),
  currentPodHash: 'h2',
  stableRS: 'h1',
  pauseConditions: [{ reason: 'BlueGreenPause', startTime: '2026-01-01T00:00:00Z' }],
  controllerPause: true,
};
const healthy: ControllerStatus = { ...initialControllerStatus(), currentPodHash: 'h1', stableRS: 'h1' };

describe('promote', () => {
  it('clears the pause conditions and keeps controllerPause (the plugin patches only pauseConditions)', () => {
    const r = promote(spec, paused, { full: false });
    expect(r.status).toEqual({ ...paused, pauseConditions: [] });
    expect(r.message).toBe("rollout 'payments' promoted");
  });
  it('unpauses spec.paused', () => {
    expect(promote({ ...spec, paused: true }, healthy, { full: false }).spec.paused).toBe(false);
  });
  it('--full sets status.promoteFull while an update is in progress', () => {
    const r = promote(spec, { ...paused, pauseConditions: [] }, { full: true });
    expect(r.status.promoteFull).toBe(true);
    expect(r.message).toBe("rollout 'payments' fully promoted");
  });
  it('--full also applies to an aborted rollout (the controller then clears the abort)', () => {
    expect(promote(spec, { ...paused, abort: true }, { full: true }).status).toMatchObject({
      abort: true,
      promoteFull: true,
    });
  });
  it.each([
    ['a rollout that is not paused', healthy, false, /rollout 'payments' is not paused: it is fully promoted/],
    [
      'an update before its pause',
      { ...paused, pauseConditions: [] },
      false,
      /not paused: the update has not reached its pause yet \(use --full/,
    ],
    ['an aborted rollout', { ...paused, abort: true, pauseConditions: [] }, false, /is aborted: run `retry`/],
    ['--full on a fully promoted rollout', healthy, true, /already fully promoted/],
  ])('refuses %s', (_what, status, full, message) => {
    expect(() => promote(spec, status, { full })).toThrow(VerbNotApplicableError);
    expect(() => promote(spec, status, { full })).toThrow(message);
  });
});

describe('abort / retry', () => {
  it('abort sets status.abort; retry clears it and leaves abortedAt for the controller (as the plugin patch does)', () => {
    const aborted = abort(spec, paused);
    expect(aborted.status.abort).toBe(true);
    expect(aborted.message).toBe("rollout 'payments' aborted");
    const retried = retry(spec, { ...aborted.status, abortedAt: '2026-01-01T00:00:10Z' });
    expect(retried.status.abort).toBe(false);
    expect(retried.status.abortedAt).toBe('2026-01-01T00:00:10Z');
    expect(retried.message).toBe("rollout 'payments' retried");
  });
  it('refuses to abort twice, or a rollout with no update in progress', () => {
    expect(() => abort(spec, { ...paused, abort: true })).toThrow('already aborted');
    expect(() => abort(spec, healthy)).toThrow(/no update in progress to abort \(revision h1 is stable\)/);
  });
  it('refuses to retry a rollout that is not aborted', () => {
    expect(() => retry(spec, paused)).toThrow(VerbNotApplicableError);
  });
});

describe('undo', () => {
  const rs = (revision: number, image: string): ReplicaSetState => {
    const s = specOf(rolloutYaml({ image }));
    return {
      podTemplateHash: `h${revision}`,
      revision,
      template: s.template,
      container: s.container,
      terminationGracePeriodSeconds: 30,
      replicas: 0,
      createdAt: '2026-01-01T00:00:00Z',
    };
  };
  const history = [rs(1, 'payments:v1'), rs(3, 'payments:v3'), rs(2, 'payments:v2')];

  it('re-applies the previous revision (the second newest) by default', () => {
    const v3 = specOf(rolloutYaml({ image: 'payments:v3' }));
    const r = undo(v3, paused, history);
    expect(r.revision).toBe(2);
    expect(r.spec.container.image).toBe('payments:v2');
    expect(r.template).toEqual(history[2]?.template);
    expect(r.message).toBe("rollout 'payments' undo");
  });
  it('re-applies --to-revision N', () => {
    expect(undo(spec, paused, history, { toRevision: 1 }).spec.container.image).toBe('payments:v1');
  });
  it('names the missing revision and the ones that exist', () => {
    expect(() => undo(spec, paused, history, { toRevision: 9 })).toThrow(
      'unable to find specified revision 9 in history (revisions: 3, 2, 1)',
    );
  });
  it('skips when the template already matches (upstream: "skipped rollback")', () => {
    expect(() => undo(spec, paused, history, { toRevision: 2 })).toThrow(
      'skipped rollback (current template already matches revision 2)',
    );
  });
  it('refuses when there is no previous revision', () => {
    expect(() => undo(spec, healthy, [history[0] as ReplicaSetState])).toThrow(
      /no revision found for rollout "payments"/,
    );
  });
});

describe('restart', () => {
  it('sets spec.restartAt to now (RFC 3339, seconds), or later with --in', () => {
    const now = new Date('2026-01-01T10:00:00.750Z');
    expect(restart(spec, healthy, now).spec.restartAt).toBe('2026-01-01T10:00:00Z');
    const later = restart(spec, healthy, now, 30);
    expect(later.spec.restartAt).toBe('2026-01-01T10:00:30Z');
    expect(later.message).toBe("rollout 'payments' restarts in 30s");
  });
});
