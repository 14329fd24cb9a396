// Deterministic YAML: keys sorted at every level, arrays in the order built, no line folding,
// YAML 1.1 quoting so that strings like "on", "yes" or "0755" stay strings for Kubernetes' own
// parser (sigs.k8s.io/yaml reads YAML 1.1) as well as for YAML 1.2 readers.
import { stringify } from 'yaml';

export const HEADER = 'rendered by packages/manifests — do not edit; run npm run render';

export function toYaml(documents: readonly unknown[]): string {
  const body = documents
    .map((document) => stringify(document, { sortMapEntries: true, lineWidth: 0, version: '1.1' }))
    .join('---\n');
  return `# ${HEADER}\n${body}`;
}
