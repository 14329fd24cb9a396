import { describe, expect, it } from 'vitest';
import { lintManifests } from './lint.ts';
import { splitManifests } from './manifests.ts';
import { corpusDocuments, corpusFiles, hasCorpus, lintExpectations } from './testing/corpus.ts';

const lint = (yaml: string, options = {}): string[] =>
  lintManifests(splitManifests(yaml, 'x.yaml'), options).errors.map((e) => e.message);

const rollout = ({
  spec = '',
  bg = 'activeService: active\n      previewService: preview',
  template = '',
  labels = '{app: payments}',
} = {}): string => `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: payments}
spec:
${spec}  selector: {matchLabels: {app: payments}}
  template:
    metadata: {labels: ${labels}}
    spec:
      containers:
        - name: payments
          image: payments:1
${template}  strategy:
    blueGreen:
      ${bg}
`;
const service = (name: string, selector = '{app: payments}'): string => `---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec: {selector: ${selector}, ports: [{port: 80}]}
`;
const services = service('active') + service('preview');

describe('lintManifests: blue/green and the Rollout spec (validation.go)', () => {
  it('passes a valid blue/green Rollout with its Services', () => {
    expect(lint(rollout() + services)).toEqual([]);
  });
  it('requires distinct active and preview Services', () => {
    expect(lint(rollout({ bg: 'activeService: same\n      previewService: same' }) + service('same'))).toEqual([
      'spec.strategy.activeService: Invalid value: "same": This rollout uses the same service for the active and preview services, but two different services are required.',
    ]);
  });
  it('checks scaleDownDelayRevisionLimit against revisionHistoryLimit', () => {
    expect(
      lint(
        rollout({
          spec: '  revisionHistoryLimit: 2\n',
          bg: 'activeService: active\n      previewService: preview\n      scaleDownDelayRevisionLimit: 3',
        }) + services,
      ),
    ).toEqual([
      "spec.strategy.scaleDownDelayRevisionLimit: Invalid value: 3: This rollout's revision history limit can not be smaller than the rollout's scale down limit",
    ]);
  });
  it('requires progressDeadlineSeconds > minReadySeconds', () => {
    expect(lint(rollout({ spec: '  minReadySeconds: 30\n  progressDeadlineSeconds: 30\n' }) + services)).toEqual([
      'spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds',
    ]);
  });
  it('rejects negative counts', () => {
    expect(lint(rollout({ spec: '  replicas: -1\n  revisionHistoryLimit: -2\n' }) + services)).toEqual([
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0',
    ]);
  });
  it('requires the selector to match the template labels', () => {
    expect(
      lint(
        rollout({ labels: '{app: other, tier: web}' }) +
          service('active', '{app: other}') +
          service('preview', '{app: other}'),
      ),
    ).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"other", "tier":"web"}: `selector` does not match template `labels`',
    ]);
  });
  it("reports Services whose selector has a label the template lacks ('has unmatch label')", () => {
    expect(
      lint(
        rollout() +
          service('active', '{app: payments, tier: web}') +
          service('preview', '{app: payments, rollouts-pod-template-hash: abc}'),
      ),
    ).toEqual([
      'spec.strategy.blueGreen.activeService: Invalid value: "active": Service "active" has unmatch label "tier" in rollout',
    ]);
  });
  it('reports a Service managed by another Rollout', () => {
    const managed = service('active').replace(
      'metadata: {name: active}',
      'metadata: {name: active, annotations: {argo-rollouts.argoproj.io/managed-by-rollouts: billing}}',
    );
    expect(lint(rollout() + managed + service('preview'))).toEqual([
      'spec.strategy.blueGreen.activeService: Invalid value: "active": Service "active" is managed by another Rollout',
    ]);
  });
  it('requires the blue/green Services in the input (a local rule, which can be turned off)', () => {
    const result = lintManifests(splitManifests(rollout() + service('active'), 'x.yaml'));
    expect(result.errors).toEqual([
      expect.objectContaining({
        origin: 'quickship',
        path: 'spec.strategy.blueGreen.previewService',
        message: expect.stringMatching(
          /^spec\.strategy\.blueGreen\.previewService: Not found: "preview": Service "preview" is not among the linted objects/,
        ),
      }),
    ]);
    expect(lint(rollout() + service('active'), { requireBlueGreenServices: false })).toEqual([]);
  });
  it('flags unknown fields as the strict decoder does, before validating', () => {
    expect(
      lint(
        rollout({ bg: 'activeService: active\n      previewService: preview\n      autoPromote: false' }) + services,
      ),
    ).toEqual(['spec.strategy.blueGreen.autoPromote: unknown field "autoPromote" (json: unknown field "autoPromote")']);
    expect(
      lint(rollout({ template: '          readinessProbe: {httpGet: {port: 80}, period: 5}\n' }) + services)[0],
    ).toMatch(/^spec\.template\.spec\.containers\[0\]\.readinessProbe\.period: unknown field "period"/);
  });
  it('validates the pod template: restartPolicy, probes, ports, env names', () => {
    const errors = lint(
      rollout({
        template: `          ports: [{containerPort: 70000}]
          env: [{name: 1BAD, value: x}]
          livenessProbe: {httpGet: {port: 80}, successThreshold: 2}
          readinessProbe: {periodSeconds: 5}
      restartPolicy: Never
`,
      }) + services,
    );
    expect(errors).toEqual([
      'spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      expect.stringMatching(
        /^spec\.template\.spec\.containers\[0\]\.env\[0\]\.name: Invalid value: "1BAD": a valid environment variable name/,
      ),
      'spec.template.spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
      'spec.template.spec.containers[0].readinessProbe: Required value: must specify a handler type',
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });
  it('names a missing strategy with the upstream path', () => {
    expect(lint(rollout().replace(/ {2}strategy:[\s\S]*$/, ''))).toEqual([
      "spec.strategy.strategy: Required value: Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'",
    ]);
  });
  it('reports each error with its file, document and Rollout', () => {
    const [error] = lintManifests(
      splitManifests(`${services}---\n${rollout({ spec: '  replicas: -1\n' })}`, 'deploy/apps/payments/rollout.yaml'),
    ).errors;
    expect(error).toMatchObject({
      file: 'deploy/apps/payments/rollout.yaml',
      index: 2,
      rollout: 'payments',
      path: 'spec.replicas',
      origin: 'argo',
    });
  });
});

describe.skipIf(!hasCorpus)('lintManifests agrees with `kubectl argo rollouts lint` on the upstream inputs', () => {
  const rows = hasCorpus ? lintExpectations() : [];

  it('covers every file of lint/', () => {
    expect(rows.map((r) => `lint/${r.file}`).sort()).toEqual(corpusFiles('lint'));
  });

  it.each(rows.filter((r) => r.expected === ''))('$file passes', ({ file }) => {
    expect(lintManifests(corpusDocuments(`lint/${file}`)).errors).toEqual([]);
  });

  it.each(rows.filter((r) => r.expected !== ''))(
    '$file fails first with the upstream message',
    ({ file, expected }) => {
      const [first] = lintManifests(corpusDocuments(`lint/${file}`)).errors;
      expect(first?.message).toContain(expected);
      expect(first?.origin).toBe('argo');
    },
  );

  it.each(['examples/rollout-bluegreen.yaml', 'e2e/rollout-bluegreen.yaml', 'e2e/alb-bluegreen-rollout.yaml'])(
    '%s passes',
    (file) => {
      expect(lintManifests(corpusDocuments(file)).errors).toEqual([]);
    },
  );
});
