import { describe, expect, it } from 'vitest';
import {
  actions,
  measurementValue,
  pendingPrePromotion,
  rateInterval,
  substituteGrafana,
  thresholds,
  timeline,
  type Obj,
} from './derive.ts';

const rollout = (status: Record<string, unknown>, spec: Record<string, unknown> = {}): Obj => ({
  kind: 'Rollout',
  metadata: { name: 'payments' },
  spec: { replicas: 1, ...spec },
  status,
});
const app = (automated: Record<string, unknown> | undefined, history = 2): Obj => ({
  metadata: { name: 'payments' },
  spec: { syncPolicy: automated ? { automated } : {} },
  status: { history: Array.from({ length: history }, (_, id) => ({ id })), operationState: { phase: 'Succeeded' } },
});
const reason = (list: ReturnType<typeof actions>, name: string) => list.find((a) => a.name === name)?.disabledReason;

describe('$__rate_interval as Grafana computes it', () => {
  it('is max($__interval + scrape interval, 4 × scrape interval)', () => {
    expect(rateInterval(15, 15)).toBe(60);
    expect(rateInterval(60, 15)).toBe(75);
    expect(rateInterval(5, 1)).toBe(6);
  });
  it('substitutes the macros in a panel query', () => {
    expect(substituteGrafana('sum(rate(x[$__rate_interval])) / rate(y[$__interval])', 30, 15)).toBe(
      'sum(rate(x[60s])) / rate(y[30s])',
    );
  });
});

describe('measurements and thresholds', () => {
  it('reads Prometheus vectors as Argo stores them', () => {
    expect(measurementValue('[0.0012]')).toBe(0.0012);
    expect(measurementValue('2.5e-3')).toBe(0.0025);
    expect(measurementValue('[]')).toBeUndefined();
    expect(measurementValue(undefined)).toBeUndefined();
  });
  it('finds the numbers a condition compares with', () => {
    expect(thresholds('result[0] <= 0.01')).toEqual([0.01]);
    expect(thresholds('result[0] > 0.5 || result[0] < 0.1')).toEqual([0.5, 0.1]);
    expect(thresholds(undefined)).toEqual([]);
  });
});

describe('actions follow the CLI verb rules', () => {
  const paused = rollout({ currentPodHash: 'new', stableRS: 'old', pauseConditions: [{ reason: 'BlueGreenPause' }] });
  const healthy = rollout({ currentPodHash: 'old', stableRS: 'old', pauseConditions: [] });

  it('a paused preview can be promoted, unless its pre-promotion analysis is still running', () => {
    expect(reason(actions({ rollout: paused, revisions: 2, runs: [] }), 'promote')).toBeUndefined();
    const run: Obj = {
      metadata: {
        name: 'payments-new-2-pre',
        labels: { 'rollouts-pod-template-hash': 'new', 'rollout-type': 'PrePromotion' },
      },
      status: { phase: 'Running' },
    };
    expect(pendingPrePromotion(paused, [run])).toBe(run);
    expect(reason(actions({ rollout: paused, revisions: 2, runs: [run] }), 'promote')).toBe(
      'pre-promotion analysis payments-new-2-pre is Running: promotion waits for it',
    );
    const done = { ...run, status: { phase: 'Successful' } };
    expect(reason(actions({ rollout: paused, revisions: 2, runs: [done] }), 'promote')).toBeUndefined();
  });

  it('a healthy rollout refuses promote, promote full, abort and retry with the rules’ words', () => {
    const list = actions({ rollout: healthy, revisions: 1, runs: [] });
    expect(reason(list, 'promote')).toBe("rollout 'payments' is not paused: it is fully promoted");
    expect(reason(list, 'promote-full')).toMatch(/already fully promoted/);
    expect(reason(list, 'abort')).toMatch(/no update in progress/);
    expect(reason(list, 'retry')).toBe("rollout 'payments' is not aborted: nothing to retry");
    expect(reason(list, 'restart')).toBeUndefined();
    expect(reason(list, 'undo')).toMatch(/no earlier revision/);
  });

  it('under self-heal, Undo says the controller reverts it and Rollback points at the revert commit', () => {
    const list = actions({ rollout: healthy, revisions: 2, runs: [], app: app({ selfHeal: true, prune: true }) });
    const undo = list.find((a) => a.name === 'undo')!;
    expect(undo.label).toMatch(/self-heal reverts it/);
    expect(undo.note).toMatch(/GitOps controller will revert/);
    // Argo CD refuses a history rollback under auto-sync: Rollback commits a revert instead.
    const rollback = list.find((a) => a.name === 'rollback')!;
    expect(rollback.disabledReason).toBeUndefined();
    expect(rollback.label).toBe('Rollback (revert commit)');
    expect(rollback.confirm).toMatch(/commit a revert of the last release/);
    const manual = actions({ rollout: healthy, revisions: 2, runs: [], app: app(undefined) });
    expect(manual.find((a) => a.name === 'undo')!.label).toBe('Undo');
    expect(reason(manual, 'rollback')).toBeUndefined();
    expect(manual.find((a) => a.name === 'rollback')!.label).toBe('Rollback');
  });

  it('without an Application, Sync and Rollback say there is none', () => {
    const list = actions({ rollout: healthy, revisions: 2, runs: [] });
    expect(reason(list, 'sync')).toMatch(/no Application/);
  });
});

describe('timeline', () => {
  it('orders the objects’ events newest first', () => {
    const events = timeline({
      rollout: rollout({ pauseConditions: [{ reason: 'BlueGreenPause', startTime: '2026-01-01T00:00:02Z' }] }),
      runs: [
        {
          metadata: { name: 'r' },
          status: { startedAt: '2026-01-01T00:00:03Z', completedAt: '2026-01-01T00:00:09Z', phase: 'Failed' },
        },
      ],
      replicaSets: [{ metadata: { name: 'payments-abc', creationTimestamp: '2026-01-01T00:00:01Z' } }],
    });
    expect(events.map((e) => e.what)).toEqual(['analysis Failed', 'analysis started', 'paused', 'ReplicaSet created']);
  });

  it('reads the controllers’ Events when there are any: commit seen, synced, healed, switched, aborted', () => {
    const ev = (at: string, kind: string, reason: string, message: string, extra: Record<string, unknown> = {}) => ({
      metadata: { name: `${kind}.${at}` },
      involvedObject: { kind, name: 'payments' },
      reason,
      message,
      type: 'Normal',
      lastTimestamp: `2026-01-01T00:00:0${at}Z`,
      ...extra,
    });
    const lines = timeline({
      runs: [{ metadata: { name: 'r' }, status: { completedAt: '2026-01-01T00:00:07Z', phase: 'Successful' } }],
      replicaSets: [],
      events: [
        ev('1', 'Application', 'ResourceUpdated', 'Updated sync status: Synced -> OutOfSync'),
        ev('2', 'Application', 'OperationStarted', "Initiated automated sync to 'abc'", { action: 'sync' }),
        ev('3', 'Application', 'OperationCompleted', 'Sync operation to abc succeeded'),
        ev('4', 'Rollout', 'SwitchService', 'Switched selector for service payments-active from x to y'),
        ev('5', 'Rollout', 'RolloutAborted', 'Rollout aborted update to revision 2', { type: 'Warning' }),
        ev('6', 'Application', 'OperationStarted', "Initiated automated sync to 'abc'", { action: 'self-heal' }),
      ],
    });
    expect(lines.map((l) => l.what)).toEqual([
      'analysis Successful',
      'healed (self-heal sync)',
      'aborted',
      'switched',
      'synced',
      'sync started',
      'commit seen or drift (OutOfSync)',
    ]);
    expect(lines.find((l) => l.what === 'aborted')?.warning).toBe(true);
    expect(lines.find((l) => l.what === 'switched')?.detail).toBe(
      'Rollout/payments: Switched selector for service payments-active from x to y',
    );
  });
});
