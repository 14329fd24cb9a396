import { describe, expect, it } from 'vitest';
import {
  MissingFieldError,
  NamedPortNotFoundError,
  UnsupportedFieldError,
  UnsupportedStrategyError,
  InvalidFieldError,
} from './errors.ts';
import { splitManifests } from './manifests.ts';
import { parseRollout } from './spec.ts';
import { corpusDocuments, corpusFiles, hasCorpus } from './testing/corpus.ts';

function rollout(body: string): ReturnType<typeof parseRollout> {
  const [doc] = splitManifests(body, 'r.yaml');
  if (doc === undefined) throw new Error('no doc');
  return parseRollout(doc.object);
}

const base = (
  strategy: string,
  container = '',
  podSpec = '',
  specExtra = '',
): string => `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: payments, namespace: shop}
spec:
${specExtra}  selector: {matchLabels: {app: payments}}
  template:
    metadata: {labels: {app: payments}}
    spec:
${podSpec}      containers:
        - name: payments
          image: payments:1.0.0
${container}  strategy:
${strategy}`;

const blueGreen = '    blueGreen: {activeService: active, previewService: preview}\n';

describe('parseRollout: defaults (utils/defaults/defaults.go)', () => {
  it('applies Argo and Kubernetes defaults', () => {
    const spec = rollout(base(blueGreen));
    expect(spec).toMatchObject({
      name: 'payments',
      namespace: 'shop',
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      paused: false,
      terminationGracePeriodSeconds: 30,
      selector: { app: 'payments' },
      templateLabels: { app: 'payments' },
      strategy: {
        blueGreen: {
          activeService: 'active',
          previewService: 'preview',
          autoPromotionEnabled: true,
          scaleDownDelaySeconds: 30,
          abortScaleDownDelaySeconds: 30,
        },
      },
      container: { name: 'payments', image: 'payments:1.0.0', env: [], ports: [] },
    });
    expect(spec.strategy.blueGreen.previewReplicaCount).toBeUndefined();
    expect(spec.ignored).toEqual([]);
  });

  it('defaults the namespace to "default"', () => {
    expect(rollout(base(blueGreen).replace('namespace: shop', 'labels: {}')).namespace).toBe('default');
  });

  it('reads every supported blueGreen field', () => {
    const spec = rollout(
      base(
        `    blueGreen:
      activeService: a
      previewService: p
      autoPromotionEnabled: false
      autoPromotionSeconds: 20
      scaleDownDelaySeconds: 10
      scaleDownDelayRevisionLimit: 2
      abortScaleDownDelaySeconds: 0
      previewReplicaCount: 1
`,
        '',
        '',
        '  replicas: 3\n  revisionHistoryLimit: 4\n  progressDeadlineSeconds: 120\n  progressDeadlineAbort: true\n  paused: true\n  restartAt: "2026-01-01T00:00:00Z"\n',
      ),
    );
    expect(spec.strategy.blueGreen).toEqual({
      activeService: 'a',
      previewService: 'p',
      autoPromotionEnabled: false,
      autoPromotionSeconds: 20,
      scaleDownDelaySeconds: 10,
      scaleDownDelayRevisionLimit: 2,
      abortScaleDownDelaySeconds: 0,
      previewReplicaCount: 1,
    });
    expect(spec).toMatchObject({
      replicas: 3,
      revisionHistoryLimit: 4,
      progressDeadlineSeconds: 120,
      progressDeadlineAbort: true,
      paused: true,
      restartAt: '2026-01-01T00:00:00Z',
    });
  });
});

describe('parseRollout: the container', () => {
  it('reads command, args, env (value, secretKeyRef, configMapKeyRef) and ports', () => {
    const spec = rollout(
      base(
        blueGreen,
        `          command: [node]
          args: [dist/server.js, "--port=3000"]
          env:
            - {name: LOG_LEVEL, value: info}
            - {name: EMPTY}
            - name: DATABASE_URL
              valueFrom: {secretKeyRef: {name: db, key: url}}
            - name: FLAGS
              valueFrom: {configMapKeyRef: {name: cfg, key: flags, optional: true}}
          ports: [{name: http, containerPort: 3000, protocol: TCP}]
`,
      ),
    );
    expect(spec.container).toEqual({
      name: 'payments',
      image: 'payments:1.0.0',
      command: ['node'],
      args: ['dist/server.js', '--port=3000'],
      env: [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'EMPTY', value: '' },
        { name: 'DATABASE_URL', secretKeyRef: { name: 'db', key: 'url' } },
        { name: 'FLAGS', configMapKeyRef: { name: 'cfg', key: 'flags', optional: true } },
      ],
      ports: [{ name: 'http', containerPort: 3000 }],
    });
  });

  it('applies probe defaults and resolves named ports', () => {
    const spec = rollout(
      base(
        blueGreen,
        `          ports: [{name: http, containerPort: 3000}]
          readinessProbe: {httpGet: {path: /readyz, port: http}, periodSeconds: 2}
          livenessProbe: {httpGet: {port: 3000}}
          startupProbe: {httpGet: {path: /healthz, port: http}, failureThreshold: 30, timeoutSeconds: 2, initialDelaySeconds: 1, successThreshold: 1}
`,
      ),
    );
    expect(spec.container.readinessProbe).toEqual({
      path: '/readyz',
      port: 3000,
      initialDelaySeconds: 0,
      periodSeconds: 2,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(spec.container.livenessProbe).toEqual({
      path: '/',
      port: 3000,
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(spec.container.startupProbe).toMatchObject({
      path: '/healthz',
      failureThreshold: 30,
      timeoutSeconds: 2,
      initialDelaySeconds: 1,
    });
  });

  it('names the probe path and the declared ports when a named port is missing', () => {
    const parse = (): unknown =>
      rollout(
        base(
          blueGreen,
          `          ports: [{name: web, containerPort: 3000}]
          readinessProbe: {httpGet: {path: /readyz, port: http}}
`,
        ),
      );
    expect(parse).toThrow(NamedPortNotFoundError);
    expect(parse).toThrow(
      'spec.template.spec.containers[0].readinessProbe.httpGet.port: named port "http" is not declared in the container\'s ports (declared: "web")',
    );
  });

  it.each([
    ['exec sleep', '{exec: {command: [sleep, "5"]}}', { kind: 'sleep', seconds: 5 }],
    ['sh -c sleep', '{exec: {command: [/bin/sh, -c, "sleep 7"]}}', { kind: 'sleep', seconds: 7 }],
    ['sleep action', '{sleep: {seconds: 3}}', { kind: 'sleep', seconds: 3 }],
    ['httpGet', '{httpGet: {path: /drain, port: http}}', { kind: 'httpGet', path: '/drain', port: 3000 }],
  ])('reads a preStop %s hook', (_name, hook, expected) => {
    const spec = rollout(
      base(
        blueGreen,
        `          ports: [{name: http, containerPort: 3000}]
          lifecycle: {preStop: ${hook}}
`,
        '      terminationGracePeriodSeconds: 45\n',
      ),
    );
    expect(spec.container.preStop).toEqual(expected);
    expect(spec.terminationGracePeriodSeconds).toBe(45);
    expect(spec.ignored).toEqual([]);
  });

  it('reports a preStop exec that is not a sleep as ignored', () => {
    const spec = rollout(base(blueGreen, '          lifecycle: {preStop: {exec: {command: [/bin/drain]}}}\n'));
    expect(spec.container.preStop).toBeUndefined();
    expect(spec.ignored).toEqual([
      {
        path: 'spec.template.spec.containers[0].lifecycle.preStop.exec',
        reason: expect.stringContaining('only `sleep N`'),
      },
    ]);
  });

  it('refuses an env value that YAML read as a number', () => {
    expect(() => rollout(base(blueGreen, '          env: [{name: PORT, value: 3000}]\n'))).toThrow(InvalidFieldError);
  });
});

describe('parseRollout: what is not run locally is named, never dropped', () => {
  it('lists every unsupported field with its path and reason', () => {
    const spec = rollout(
      base(
        `    blueGreen:
      activeService: a
      previewService: p
      maxUnavailable: 1
      prePromotionAnalysis: {templates: [{templateName: smoke}]}
      postPromotionAnalysis: {templates: [{templateName: error-rate}]}
      antiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {}}
      previewMetadata: {labels: {role: preview}}
`,
        `          imagePullPolicy: IfNotPresent
          resources: {requests: {cpu: 100m}}
          securityContext: {runAsNonRoot: true}
          readinessProbe: {tcpSocket: {port: 3000}}
          livenessProbe: {httpGet: {port: 3000, httpHeaders: [{name: X, value: y}]}}
          env: [{name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
          volumeMounts: [{name: tmp, mountPath: /tmp}]
        - name: sidecar
          image: envoy:1
`,
        `      affinity: {}
      topologySpreadConstraints: [{maxSkew: 1}]
      securityContext: {runAsUser: 1000}
      serviceAccountName: payments
      volumes: [{name: tmp, emptyDir: {}}]
      initContainers: [{name: init, image: busybox}]
`,
        '  minReadySeconds: 5\n  analysis: {successfulRunHistoryLimit: 2}\n',
      ),
    );
    const c = 'spec.template.spec.containers';
    expect(spec.ignored.map((f) => f.path)).toEqual([
      'spec.minReadySeconds',
      'spec.analysis',
      'spec.strategy.blueGreen.maxUnavailable',
      'spec.strategy.blueGreen.antiAffinity',
      'spec.strategy.blueGreen.previewMetadata',
      'spec.template.spec.affinity',
      'spec.template.spec.topologySpreadConstraints',
      'spec.template.spec.securityContext',
      'spec.template.spec.serviceAccountName',
      'spec.template.spec.volumes',
      'spec.template.spec.initContainers',
      `${c}[0].imagePullPolicy`,
      `${c}[0].resources`,
      `${c}[0].securityContext`,
      `${c}[0].readinessProbe`,
      `${c}[0].livenessProbe.httpGet.httpHeaders`,
      `${c}[0].env[0].valueFrom.fieldRef`,
      `${c}[0].volumeMounts`,
      `${c}[1]`,
    ]);
    const reason = (path: string): string | undefined => spec.ignored.find((f) => f.path === path)?.reason;
    expect(reason(`${c}[0].resources`)).toMatch(/^cluster only/);
    // Pre-/post-promotion analysis runs locally (engine/analysis-controller.ts).
    expect(spec.strategy.blueGreen.prePromotionAnalysis).toEqual({ templates: [{ templateName: 'smoke' }] });
    expect(reason(`${c}[1]`)).toBe('not run locally yet: only containers[0] runs');
    expect(reason(`${c}[0].readinessProbe`)).toMatch(/only httpGet probes run/);
    expect(spec.container.readinessProbe).toBeUndefined();
    expect(spec.container.env).toEqual([]);
  });
});

describe('parseRollout: errors name the path and the fix', () => {
  it('refuses canary with UnsupportedStrategyError naming spec.strategy.canary', () => {
    const parse = (): unknown => rollout(base('    canary: {steps: [{setWeight: 10}]}\n'));
    expect(parse).toThrow(UnsupportedStrategyError);
    expect(parse).toThrow(/^spec\.strategy\.canary: strategy "canary" is not supported by the local engine/);
  });
  it('refuses workloadRef', () => {
    expect(() =>
      rollout(base(blueGreen, '', '', '  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: x}\n')),
    ).toThrow(UnsupportedFieldError);
  });
  it.each([
    [
      'the selector',
      (y: string) => y.replace('  selector: {matchLabels: {app: payments}}\n', ''),
      'spec.selector: Required value',
    ],
    [
      'activeService',
      (y: string) => y.replace('activeService: active, ', ''),
      'spec.strategy.blueGreen.activeService: Required value',
    ],
    [
      'the image',
      (y: string) => y.replace('          image: payments:1.0.0\n', ''),
      'spec.template.spec.containers[0].image: Required value',
    ],
    ['the strategy', (y: string) => y.replace(`  strategy:\n${blueGreen}`, ''), 'spec.strategy: Required value'],
  ])('throws MissingFieldError without %s', (_what, edit, message) => {
    const parse = (): unknown => rollout(edit(base(blueGreen)));
    expect(parse).toThrow(MissingFieldError);
    expect(parse).toThrow(message);
  });
  it('rejects a negative replica count with the path', () => {
    expect(() => rollout(base(blueGreen, '', '', '  replicas: -1\n'))).toThrow(
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
  });
});

describe.skipIf(!hasCorpus)('parseRollout: the upstream corpus', () => {
  const blueGreenFiles = ['examples', 'e2e', 'lint', 'status-bluegreen']
    .flatMap((folder) => corpusFiles(folder))
    .filter((file) =>
      corpusDocuments(file).some(
        (d) => d.object.kind === 'Rollout' && JSON.stringify(d.object).includes('"blueGreen"'),
      ),
    );

  it('finds the blue/green Rollouts of examples/, e2e/, lint/ and status-bluegreen/', () => {
    expect(blueGreenFiles).toEqual(
      expect.arrayContaining([
        'examples/rollout-bluegreen.yaml',
        'e2e/rollout-bluegreen.yaml',
        'e2e/alb-bluegreen-rollout.yaml',
        'e2e/bluegreen-duration-template.yaml',
        'lint/valid-blue-green.yml',
        'status-bluegreen/bluegreen-rollout.yaml',
      ]),
    );
  });

  it.each(blueGreenFiles)('parses every Rollout of %s and names each field it does not run', (file) => {
    for (const doc of corpusDocuments(file).filter((d) => d.object.kind === 'Rollout')) {
      const spec = parseRollout(doc.object);
      expect(spec.strategy.blueGreen.activeService).not.toBe('');
      const raw = JSON.stringify(doc.object);
      for (const key of ['resources', 'imagePullPolicy', 'status']) {
        if (raw.includes(`"${key}"`)) expect(spec.ignored.map((f) => f.path.split('.').pop())).toContain(key);
      }
      for (const field of spec.ignored) expect(field.reason).not.toBe('');
    }
  });

  it('refuses every canary Rollout of examples/ with the strategy path', () => {
    const canary = corpusFiles('examples')
      .flatMap((file) => corpusDocuments(file))
      .filter((d) => d.object.kind === 'Rollout' && JSON.stringify(d.object).includes('"canary"'));
    expect(canary.length).toBeGreaterThan(3);
    for (const doc of canary) expect(() => parseRollout(doc.object)).toThrow(/^spec\.strategy\.canary: /);
  });
});
