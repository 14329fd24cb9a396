// The YAML parse of a manifest file, document by document: the only module that loads the `yaml`
// library (260 KB of the CLI's bundle), so a command whose parses are all cached
// (cli/run/manifest-cache.ts) never loads it. YAML is read as 1.1, like Kubernetes' own parser
// (sigs.k8s.io/yaml on go-yaml v2), so that `yes`/`on` mean what they mean to kubectl.
import { parseAllDocuments } from 'yaml';
import type { YamlDocument } from './manifest-documents.ts';

export type { YamlDocument };

export function parseYamlDocuments(text: string): YamlDocument[] {
  const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: true, prettyErrors: false });
  const out: YamlDocument[] = [];
  for (const doc of Array.isArray(docs) ? docs : []) {
    const line = lineOf(text, doc.range[0]);
    const [error] = doc.errors;
    if (error !== undefined) {
      out.push({
        line,
        error: { line: lineOf(text, error.pos[0]), message: error.message.split('\n')[0] ?? error.message },
      });
      break;
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    out.push(value === null || value === undefined ? { line } : { line, value });
  }
  return out;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
