// Test support only: reads the upstream Argo CD corpus (health and action test data from
// argo-cd's resource_customizations and gitops-engine's health tests) from
// ../shared/corpus/argo-cd next to the repository (override: QUICKSHIP_ARGO_CD_CORPUS). Tests skip
// when it is absent; nothing is copied into the project.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { KubeObject } from '../../store/object.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');

export const ARGO_CD_CORPUS =
  process.env.QUICKSHIP_ARGO_CD_CORPUS ?? join(repoRoot, '..', 'shared', 'corpus', 'argo-cd');
export const hasArgoCdCorpus = existsSync(join(ARGO_CD_CORPUS, 'Rollout', 'health_test.yaml'));

export function readArgoCd(file: string): string {
  return readFileSync(join(ARGO_CD_CORPUS, file), 'utf8');
}

/** A corpus YAML file as the object Argo CD would read (sigs.k8s.io/yaml: YAML → JSON). */
export function argoCdObject(file: string): KubeObject {
  return parse(readArgoCd(file)) as KubeObject;
}

export function argoCdFiles(folder: string): string[] {
  if (!hasArgoCdCorpus) return [];
  return readdirSync(join(ARGO_CD_CORPUS, folder)).sort();
}

/** A resource_customizations health_test.yaml: each input file with the status and message expected. */
export interface HealthCase {
  readonly inputPath: string;
  readonly healthStatus: { readonly status: string; readonly message?: string };
}

export function healthCases(kind: string): HealthCase[] {
  if (!hasArgoCdCorpus) return [];
  return (parse(readArgoCd(`${kind}/health_test.yaml`)) as { tests: HealthCase[] }).tests;
}
