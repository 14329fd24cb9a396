// Every custom resource in deploy/ validates strictly against the CRDs of the pinned chart versions
// (../shared/corpus/crds: argo-rollouts 2.41.0, argo-cd 10.1.1, kube-prometheus-stack 88.5.3,
// external-secrets 2.9.0): the served version's openAPIV3Schema, unknown fields refused unless the
// schema preserves them. kubernetes-models accepts unknown fields on these objects and lacks
// external-secrets.io/v1, so this is the check that catches a misspelled field before the API
// server silently prunes it. Skipped when the corpus is absent (override: QUICKSHIP_CRD_CORPUS).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, type KubeObject } from '../src/index.ts';
import { groupOf, indexCrds, isBuiltInGroup, validateCustomResource, type CrdIndex } from '../src/k8s/crd.ts';
import type { SchemaProblem } from '../src/k8s/structural-schema.ts';
import { allObjects } from './tree.ts';

const CRD_DIR = process.env.QUICKSHIP_CRD_CORPUS ?? join(REPO_ROOT, '..', 'shared', 'corpus', 'crds');
const available = existsSync(join(CRD_DIR, 'README.md'));

function loadCrds(dir: string): CrdIndex {
  const docs: unknown[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name))
        docs.push(...parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJSON() as unknown));
    }
  };
  walk(dir);
  return indexCrds(docs);
}

const customResources = allObjects.filter((o) => !isBuiltInGroup(groupOf(o.object.apiVersion).group));
const show = (problems: readonly SchemaProblem[]): string[] => problems.map((p) => `${p.path}: ${p.message}`);

// Test edits reach anywhere in a custom resource; typing each path would only restate the CRDs.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Editable = Record<string, any>;

/** A deep copy of a rendered custom resource, changed by `edit`. */
function edited(kind: string, name: string, edit: (o: Editable) => void): KubeObject {
  const found = customResources.find((o) => o.object.kind === kind && o.object.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} rendered`);
  const copy = structuredClone(found.object) as unknown as Editable;
  edit(copy);
  return copy as unknown as KubeObject;
}

describe.skipIf(!available)('custom resources against the pinned CRDs (strict)', () => {
  const crds = available ? loadCrds(CRD_DIR) : new Map();

  it('reads the CRDs of the four pinned charts', () => {
    for (const key of [
      'argoproj.io/Rollout',
      'argoproj.io/AnalysisTemplate',
      'argoproj.io/Application',
      'argoproj.io/ApplicationSet',
      'argoproj.io/AppProject',
      'monitoring.coreos.com/ServiceMonitor',
      'monitoring.coreos.com/PrometheusRule',
      'external-secrets.io/ExternalSecret',
      'external-secrets.io/ClusterSecretStore',
    ])
      expect(crds.has(key), key).toBe(true);
  });

  it('finds the custom resources of both trees', () => {
    expect(customResources.length).toBeGreaterThanOrEqual(20);
    expect(new Set(customResources.map((o) => o.object.kind))).toEqual(
      new Set([
        'Rollout',
        'AnalysisTemplate',
        'Application',
        'ApplicationSet',
        'AppProject',
        'ServiceMonitor',
        'PrometheusRule',
        'ExternalSecret',
        'ClusterSecretStore',
      ]),
    );
  });

  it.each(customResources.map((o) => [o.path, o.object] as const))('%s', (_path, object) => {
    expect(show(validateCustomResource(crds, object))).toEqual([]);
  });

  describe('refuses what the API server would prune or reject', () => {
    it('a misspelled Rollout field (autoPromotionEnable), naming the field and the fix', () => {
      const rollout = edited('Rollout', 'payments', (o) => {
        o.spec.strategy.blueGreen.autoPromotionEnable = false;
      });
      expect(show(validateCustomResource(crds, rollout))).toEqual([
        'spec.strategy.blueGreen.autoPromotionEnable: unknown field (the API server prunes it); did you mean "autoPromotionEnabled"?',
      ]);
    });

    it('a misspelled Application sync field (selfheal)', () => {
      const app = edited('Application', 'payments', (o) => {
        o.spec.syncPolicy.automated = { prune: true, selfheal: true };
      });
      expect(show(validateCustomResource(crds, app))).toEqual([
        'spec.syncPolicy.automated.selfheal: unknown field (the API server prunes it); did you mean "selfHeal"?',
      ]);
    });

    it('a misspelled ServiceMonitor field (intervall) and an unknown metadata field', () => {
      const monitor = edited('ServiceMonitor', 'payments', (o) => {
        o.spec.endpoints[0].intervall = o.spec.endpoints[0].interval;
        o.metadata.label = { team: 'payments' };
      });
      expect(show(validateCustomResource(crds, monitor))).toEqual([
        'metadata.label: unknown field (the API server prunes it); did you mean "labels"?',
        'spec.endpoints[0].intervall: unknown field (the API server prunes it); did you mean "interval"?',
      ]);
    });

    it('wrong types, an enum value and a null where the schema is not nullable', () => {
      const rollout = edited('Rollout', 'payments', (o) => {
        o.spec.replicas = 'three';
        o.spec.strategy.blueGreen.autoPromotionEnabled = 'false';
        o.spec.revisionHistoryLimit = null;
      });
      expect(show(validateCustomResource(crds, rollout))).toEqual([
        'spec.replicas: must be integer, got string "three"',
        'spec.revisionHistoryLimit: is null, which the API server prunes (not nullable)',
        'spec.strategy.blueGreen.autoPromotionEnabled: must be boolean, got string "false"',
      ]);
      const secret = edited('ExternalSecret', 'payments-secrets', (o) => {
        o.spec.refreshInterval = 3600;
        o.spec.target.creationPolicy = 'Owns';
      });
      expect(show(validateCustomResource(crds, secret))).toEqual([
        'spec.refreshInterval: must be string, got integer 3600',
        'spec.target.creationPolicy: "Owns" is not one of ["Owner","Orphan","Merge","None","CreateOrMerge"]',
      ]);
    });

    it('keeps fields under x-kubernetes-preserve-unknown-fields (Helm valuesObject) but checks what is declared', () => {
      const set = edited('ApplicationSet', 'argo-rollouts', (o) => {
        o.spec.template.spec.source.helm.valuesObject.anyChartValue = { nested: [1, 'two'] };
      });
      expect(show(validateCustomResource(crds, set))).toEqual([]);
      const broken = edited('ApplicationSet', 'argo-rollouts', (o) => {
        o.spec.template.spec.source.helm.releseName = 'argo-rollouts';
      });
      expect(show(validateCustomResource(crds, broken))).toEqual([
        'spec.template.spec.source.helm.releseName: unknown field (the API server prunes it); did you mean "releaseName"?',
      ]);
    });

    it('an apiVersion the CRD does not serve, and a kind no CRD defines', () => {
      const v1beta1 = edited('ExternalSecret', 'payments-secrets', (o) => {
        o.apiVersion = 'external-secrets.io/v1beta1';
      });
      expect(show(validateCustomResource(crds, v1beta1))).toEqual([
        'apiVersion: external-secrets.io/v1beta1 is not served by externalsecrets.external-secrets.io (served: false); use external-secrets.io/v1',
      ]);
      const v1beta2 = edited('Rollout', 'payments', (o) => {
        o.apiVersion = 'argoproj.io/v1beta1';
      });
      expect(show(validateCustomResource(crds, v1beta2))).toEqual([
        'apiVersion: argoproj.io/v1beta1 is not served by rollouts.argoproj.io (no such version); use argoproj.io/v1alpha1',
      ]);
      const workflow = edited('Rollout', 'payments', (o) => {
        o.kind = 'Workflow';
      });
      expect(show(validateCustomResource(crds, workflow))[0]).toMatch(/^kind: no CRD defines Workflow in argoproj.io/);
    });
  });
});
