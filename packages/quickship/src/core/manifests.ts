// Splits a manifest file (multi-document YAML, or JSON) into objects with their provenance:
// core/yaml-documents.ts parses (YAML 1.1, as Kubernetes reads it), core/manifest-documents.ts
// turns the documents into manifests. Modules that need only the latter import it directly, so
// they do not load the YAML library.
import { manifestsFromYaml, type ManifestDocument } from './manifest-documents.ts';
import { parseYamlDocuments } from './yaml-documents.ts';

export {
  apiGroup,
  manifestsFromYaml,
  objectIdentity,
  type ManifestDocument,
  type YamlDocument,
} from './manifest-documents.ts';
export { parseYamlDocuments } from './yaml-documents.ts';

export function splitManifests(text: string, file: string): ManifestDocument[] {
  return manifestsFromYaml(parseYamlDocuments(text), file);
}
