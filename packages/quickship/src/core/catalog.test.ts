import { describe, expect, it } from 'vitest';
import { readDeployObjects } from './catalog.ts';
import { ManifestObjectError } from './errors.ts';
import { splitManifests } from './manifests.ts';
import { parseService } from './service.ts';
import { corpusDocuments, hasCorpus } from './testing/corpus.ts';

describe('parseService', () => {
  it('reads the selector and ports, defaulting targetPort to port', () => {
    const [doc] = splitManifests(
      'apiVersion: v1\nkind: Service\nmetadata: {name: payments-active}\nspec:\n  selector: {app: payments}\n  ports: [{name: http, port: 80, targetPort: http}, {port: 9090}]\n',
      's.yaml',
    );
    expect(parseService(doc?.object ?? {})).toEqual({
      name: 'payments-active',
      namespace: 'default',
      selector: { app: 'payments' },
      ports: [
        { name: 'http', port: 80, targetPort: 'http' },
        { port: 9090, targetPort: 9090 },
      ],
    });
  });
  it('names the path of a bad port', () => {
    const [doc] = splitManifests(
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{name: http}]}\n',
      's.yaml',
    );
    expect(() => parseService(doc?.object ?? {})).toThrow('spec.ports[0].port: Required value');
  });
});

describe('readDeployObjects', () => {
  const yaml = `apiVersion: v1
kind: Service
metadata: {name: payments-active}
spec: {selector: {app: payments}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: payments}
---
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: error-rate}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: payments}
spec:
  selector: {matchLabels: {app: payments}}
  template:
    metadata: {labels: {app: payments}}
    spec: {containers: [{name: payments, image: payments:1}]}
  strategy: {blueGreen: {activeService: payments-active}}
`;

  it('sorts Rollouts, Services and everything else (listed as cluster-only, never dropped)', () => {
    const objects = readDeployObjects(splitManifests(yaml, 'deploy/apps/payments/all.yaml'));
    expect(objects.rollouts.map((r) => [r.spec.name, r.source.index])).toEqual([['payments', 3]]);
    expect(objects.services.map((s) => s.spec.name)).toEqual(['payments-active']);
    expect(objects.others).toEqual([
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'payments', file: 'deploy/apps/payments/all.yaml' },
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AnalysisTemplate',
        name: 'error-rate',
        file: 'deploy/apps/payments/all.yaml',
      },
    ]);
  });

  it('locates a parse error in its file, document and object', () => {
    const bad = yaml.replace('image: payments:1', 'image: ""');
    const read = (): unknown => readDeployObjects(splitManifests(bad, 'deploy/apps/payments/all.yaml'));
    expect(read).toThrow(ManifestObjectError);
    expect(read).toThrow(
      'deploy/apps/payments/all.yaml (document 3, Rollout "payments"): spec.template.spec.containers[0].image: Required value',
    );
  });

  it.skipIf(!hasCorpus)('reads the upstream blue/green example with its two Services', () => {
    const objects = readDeployObjects(corpusDocuments('examples/rollout-bluegreen.yaml'));
    expect(objects.rollouts[0]?.spec.strategy.blueGreen).toMatchObject({
      activeService: 'rollout-bluegreen-active',
      previewService: 'rollout-bluegreen-preview',
      autoPromotionEnabled: false,
    });
    expect(objects.services.map((s) => s.spec.name)).toEqual(['rollout-bluegreen-active', 'rollout-bluegreen-preview']);
  });
});
