import { describe, expect, it } from 'vitest';
import { EventRecorder, MAX_EVENTS_PER_OBJECT, type EventObject } from './events.ts';
import { ObjectStore } from './object-store.ts';

const rollout = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'payments', namespace: 'payments' },
  spec: {},
};

function setup() {
  const store = new ObjectStore();
  const live = store.apply(rollout, 'argocd-application-controller');
  let t = Date.parse('2026-12-03T00:00:00Z');
  const recorder = new EventRecorder(store, 'rollouts-controller', () => new Date((t += 1000)));
  const events = () => store.list({ kind: 'Event', namespace: 'payments' }) as EventObject[];
  return { store, live, recorder, events };
}

describe('EventRecorder', () => {
  it('writes core/v1 Events naming the involved object by kind, name and uid', () => {
    const { live, recorder, events } = setup();
    recorder.record(live, { reason: 'SwitchService', message: 'Switched selector for service payments-active' });
    recorder.record(live, { reason: 'RolloutAborted', message: 'Rollout aborted', type: 'Warning' });
    const [switched, aborted] = events().sort((a, b) => a.firstTimestamp.localeCompare(b.firstTimestamp));
    expect(switched).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: 'payments' },
      involvedObject: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'payments', uid: live.metadata.uid },
      reason: 'SwitchService',
      type: 'Normal',
      count: 1,
      source: { component: 'rollouts-controller' },
    });
    expect(switched!.metadata.name).toMatch(/^payments\.[0-9a-f]+$/);
    expect(aborted).toMatchObject({ reason: 'RolloutAborted', type: 'Warning' });
  });

  it('counts a repeat of the newest event instead of adding one (the event recorder’s aggregation)', () => {
    const { live, recorder, events } = setup();
    recorder.record(live, { reason: 'ScalingReplicaSet', message: 'Scaled up to 1' });
    recorder.record(live, { reason: 'ScalingReplicaSet', message: 'Scaled up to 1' });
    expect(events()).toHaveLength(1);
    expect(events()[0]).toMatchObject({ count: 2 });
    expect(events()[0]!.lastTimestamp > events()[0]!.firstTimestamp).toBe(true);
    recorder.record(live, { reason: 'ScalingReplicaSet', message: 'Scaled down to 0' });
    recorder.record(live, { reason: 'ScalingReplicaSet', message: 'Scaled up to 1' });
    expect(events()).toHaveLength(3);
  });

  it(`keeps at most ${MAX_EVENTS_PER_OBJECT} events per object, dropping the oldest`, () => {
    const { live, recorder, events } = setup();
    for (let i = 0; i < MAX_EVENTS_PER_OBJECT + 5; i++) recorder.record(live, { reason: 'Tick', message: `tick ${i}` });
    const left = events().map((e) => e.message);
    expect(left).toHaveLength(MAX_EVENTS_PER_OBJECT);
    expect(left).not.toContain('tick 0');
    expect(left).toContain(`tick ${MAX_EVENTS_PER_OBJECT + 4}`);
  });
});
