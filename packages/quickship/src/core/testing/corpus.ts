// Test support only (not exported by core/index.ts): reads the upstream Argo Rollouts corpus from
// ../shared/corpus/argo-rollouts next to the repository (override: QUICKSHIP_ARGO_CORPUS). Tests
// skip when it is absent; nothing is copied into the project.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitManifests, type ManifestDocument } from '../manifests.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');

export const CORPUS_DIR =
  process.env.QUICKSHIP_ARGO_CORPUS ?? join(repoRoot, '..', 'shared', 'corpus', 'argo-rollouts');
export const hasCorpus = existsSync(join(CORPUS_DIR, 'lint-expected.tsv'));

/** Files of a corpus folder, e.g. corpusFiles('lint') → ['lint/valid.yml', ...]. */
export function corpusFiles(folder: string): string[] {
  // describe.skipIf still collects its body: with no corpus there are simply no cases.
  if (!hasCorpus) return [];
  return readdirSync(join(CORPUS_DIR, folder))
    .sort()
    .map((f) => `${folder}/${f}`);
}

export function readCorpus(file: string): string {
  return readFileSync(join(CORPUS_DIR, file), 'utf8');
}

export function corpusDocuments(file: string): ManifestDocument[] {
  return splitManifests(readCorpus(file), file);
}

/** lint-expected.tsv: file → expected first error ('' = valid). */
export function lintExpectations(): { file: string; expected: string }[] {
  return readCorpus('lint-expected.tsv')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [file = '', expected = ''] = line.split('\t');
      return { file, expected };
    });
}
