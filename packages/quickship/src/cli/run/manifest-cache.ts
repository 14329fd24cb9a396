// `quickship lint` reads deploy/ at every run; parsing its YAML is most of the command's
// start-up. The parser's output per file (core/manifests.ts parseYamlDocuments: plain data) is
// kept by the text and the parser's version (cache-dir.ts), so an unchanged file is read with
// JSON.parse. The same text with the same parser gives the same documents, so a hit is what
// parsing would return. Not kept: a file with a syntax error (it is parsed again and raises its
// error) or with values JSON cannot carry (YAML 1.1 timestamps, binary, .inf). Folder: cache-dir.ts.
import { join } from 'node:path';
import { cacheDir, readCacheEntry, writeCacheEntry } from '../../cache-dir.ts';
import { parserVersion } from '../../parser-versions.ts';
// Not core/manifests.ts nor the core barrel: they load the YAML library, which a cache hit never needs.
import { manifestsFromYaml, type ManifestDocument, type YamlDocument } from '../../core/manifest-documents.ts';

/** Bump when parseYamlDocuments' output changes shape. */
const FORMAT = 1;

let folder: string | undefined;
function entryFolder(): string {
  folder ??= join(cacheDir(), `yaml-${parserVersion('yaml')}-${FORMAT}`);
  return folder;
}

function jsonSafe(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(jsonSafe);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.values(value as object).every(jsonSafe);
  return false;
}

/** splitManifests(text, file), with the YAML parse cached by content; the parser is loaded on a miss only. */
export async function splitManifestsCached(text: string, file: string): Promise<ManifestDocument[]> {
  let docs = readCacheEntry<YamlDocument[]>(entryFolder(), text);
  if (docs === undefined) {
    const { parseYamlDocuments } = await import('../../core/yaml-documents.ts');
    docs = parseYamlDocuments(text);
    if (docs.every((d) => d.error === undefined && (d.value === undefined || jsonSafe(d.value))))
      writeCacheEntry(entryFolder(), text, docs);
  }
  return manifestsFromYaml(docs, file);
}
