import { describe, expect, it } from 'vitest';
import type { RolloutView } from '../model.ts';
import { podIcon, renderRolloutTree, scaleDownDelay } from './tree.ts';

const now = new Date('2026-01-08T00:00:00Z');

const view: RolloutView = {
  name: 'payments',
  namespace: 'default',
  phase: 'Paused',
  message: 'BlueGreenPause',
  strategy: 'BlueGreen',
  age: '7d',
  images: [
    { image: 'payments:v1', markers: ['stable', 'active'] },
    { image: 'payments:v2', markers: ['preview'] },
  ],
  replicas: { desired: 2, current: 4, updated: 2, ready: 4, available: 2 },
  revisions: [
    {
      revision: 2,
      podTemplateHash: 'bbb',
      name: 'payments-bbb',
      age: '5m',
      image: 'payments:v2',
      markers: ['preview'],
      status: 'Progressing',
      pods: [
        { name: 'payments-bbb-1', state: 'Running', ready: true, restarts: 0, age: '5m', endpoint: '127.0.0.1:41001' },
        {
          name: 'payments-bbb-2',
          state: 'CrashLoopBackOff',
          ready: false,
          restarts: 3,
          age: '5m',
          endpoint: '127.0.0.1:41002',
          message: 'exited with code 1',
        },
      ],
    },
    {
      revision: 1,
      podTemplateHash: 'aaa',
      name: 'payments-aaa',
      age: '7d',
      image: 'payments:v1',
      markers: ['stable', 'active'],
      status: 'Healthy',
      scaleDownDeadline: '2026-01-08T00:00:30Z',
      pods: [{ name: 'payments-aaa-1', state: 'Running', ready: true, restarts: 0, age: '7d' }],
    },
    {
      revision: 0,
      podTemplateHash: 'zzz',
      name: 'payments-zzz',
      age: '8d',
      image: 'payments:v0',
      markers: [],
      status: 'ScaledDown',
      pods: [],
    },
  ],
  notes: ['active Service payments-active → http://127.0.0.1:8080'],
};

describe('renderRolloutTree', () => {
  it('prints the header table, the tree with icons, markers, delays and instances, then the local notes', () => {
    expect(renderRolloutTree(view, { now })).toBe(`Name:            payments
Namespace:       default
Status:          ॥ Paused
Message:         BlueGreenPause
Strategy:        BlueGreen
Images:          payments:v1 (stable, active)
                 payments:v2 (preview)
Replicas:
  Desired:       2
  Current:       4
  Updated:       2
  Ready:         4
  Available:     2

NAME                       KIND        STATUS              AGE  INFO
⟳ payments                 Rollout     ॥ Paused            7d
├──# revision:2
│  └──⧉ payments-bbb       ReplicaSet  ◌ Progressing       5m   preview
│     ├──□ payments-bbb-1  Pod         ✔ Running           5m   ready:1/1,127.0.0.1:41001
│     └──□ payments-bbb-2  Pod         ✖ CrashLoopBackOff  5m   ready:0/1,restarts:3,127.0.0.1:41002  exited with code 1
├──# revision:1
│  └──⧉ payments-aaa       ReplicaSet  ✔ Healthy           7d   stable,active,delay:30s
│     └──□ payments-aaa-1  Pod         ✔ Running           7d   ready:1/1
└──# revision:0
   └──⧉ payments-zzz       ReplicaSet  • ScaledDown        8d

Local engine notes:
  - active Service payments-active → http://127.0.0.1:8080
`);
  });

  it('omits the Message line when there is none', () => {
    expect(renderRolloutTree({ ...view, phase: 'Healthy', message: '', notes: [] }, { now })).not.toMatch(
      /Message:|notes/,
    );
  });
});

describe('icons and delays', () => {
  it.each([
    ['Running', '✔'],
    ['Pending', '◌'],
    ['Terminating', '◌'],
    ['CrashLoopBackOff', '✖'],
    ['InvalidImageName', '✖'],
    ['ErrImagePull', '⚠'],
    ['Error', '⚠'],
    ['ImagePullBackOff', '⚠'],
    ['ExitCode:1', '✖'],
    ['Unknown', '?'],
  ])('%s → %s', (state, icon) => {
    expect(podIcon(state)).toBe(icon);
  });
  it('counts down a scale-down deadline or says passed', () => {
    expect(scaleDownDelay('2026-01-08T03:59:30Z', now)).toBe('3h59m');
    expect(scaleDownDelay('2026-01-07T23:00:00Z', now)).toBe('passed');
  });
});

describe('AnalysisRuns in the tree (PrintRevision: ReplicaSet, then α nodes as siblings)', () => {
  it('draws each run with its status icon and the ✔/✖/?/⚠ measurement counts', () => {
    const [rev2, ...rest] = view.revisions;
    const withRuns: RolloutView = {
      ...view,
      notes: [],
      revisions: [
        {
          ...rev2!,
          pods: [],
          analysisRuns: [
            {
              name: 'payments-bbb-2-pre',
              status: 'Failed',
              age: '1m',
              successful: 2,
              failed: 1,
              inconclusive: 0,
              error: 1,
            },
            {
              name: 'payments-bbb-2-pre.1',
              status: 'Running',
              age: '5s',
              successful: 1,
              failed: 0,
              inconclusive: 1,
              error: 0,
            },
          ],
        },
        ...rest.map((r) => ({ ...r, pods: [] })),
      ],
    };
    const tree = renderRolloutTree(withRuns, { now });
    const lines = tree.split('\n');
    const at = lines.findIndex((l) => l.includes('payments-bbb '));
    expect(lines[at]).toMatch(/^│ {2}├──⧉ payments-bbb\s+ReplicaSet/);
    expect(lines[at + 1]).toMatch(/^│ {2}├──α payments-bbb-2-pre\s+AnalysisRun\s+✖ Failed\s+1m\s+✔ 2,✖ 1,⚠ 1$/);
    expect(lines[at + 2]).toMatch(/^│ {2}└──α payments-bbb-2-pre\.1\s+AnalysisRun\s+◌ Running\s+5s\s+✔ 1,\? 1$/);
  });
});
