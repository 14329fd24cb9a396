// CustomResourceDefinitions as the API server serves them: an index by group and kind, and the
// strict validation of a custom resource against the openAPIV3Schema of its served version. Pure:
// the CRD documents are passed in (tests read them from the upstream corpus).
import { validateStructural, type SchemaProblem, type StructuralSchema } from './structural-schema.ts';

interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly storage?: boolean;
  readonly schema?: { readonly openAPIV3Schema?: StructuralSchema };
}

export interface CustomResourceDefinition {
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly group: string;
    readonly names: { readonly kind: string };
    readonly versions: readonly CrdVersion[];
  };
}

export function isCustomResourceDefinition(doc: unknown): doc is CustomResourceDefinition {
  const d = doc as Partial<CustomResourceDefinition> | null;
  return d?.kind === 'CustomResourceDefinition' && typeof d.spec?.group === 'string';
}

/** Groups Kubernetes itself serves (no CRD): the core group, the unqualified ones and *.k8s.io. */
export function isBuiltInGroup(group: string): boolean {
  return !group.includes('.') || group.endsWith('.k8s.io');
}

export function groupOf(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export type CrdIndex = ReadonlyMap<string, CustomResourceDefinition>;

export function indexCrds(docs: readonly unknown[]): CrdIndex {
  const index = new Map<string, CustomResourceDefinition>();
  for (const doc of docs.filter(isCustomResourceDefinition)) index.set(`${doc.spec.group}/${doc.spec.names.kind}`, doc);
  return index;
}

/**
 * Problems of one object against its CRD: a kind no CRD defines, a version the CRD does not serve
 * (e.g. external-secrets.io/v1beta1 with ESO 2.x), or fields the served schema would prune or refuse.
 */
export function validateCustomResource(
  crds: CrdIndex,
  object: { apiVersion?: unknown; kind?: unknown },
): SchemaProblem[] {
  const apiVersion = String(object.apiVersion ?? '');
  const kind = String(object.kind ?? '');
  const { group, version } = groupOf(apiVersion);
  const crd = crds.get(`${group}/${kind}`);
  if (!crd)
    return [
      {
        path: 'kind',
        message: `no CRD defines ${kind} in ${group || 'the core group'}; add the CRD of the chart that installs it to the corpus`,
      },
    ];
  const served = crd.spec.versions.filter((v) => v.served);
  const match = crd.spec.versions.find((v) => v.name === version);
  if (!match?.served)
    return [
      {
        path: 'apiVersion',
        message: `${apiVersion} is not served by ${crd.metadata.name} (${match ? 'served: false' : 'no such version'}); use ${served.map((v) => `${group}/${v.name}`).join(' or ') || 'nothing: no version is served'}`,
      },
    ];
  const schema = match.schema?.openAPIV3Schema;
  if (!schema) return [{ path: 'apiVersion', message: `${crd.metadata.name} ${version} has no openAPIV3Schema` }];
  return validateStructural(schema, object, '', { root: true });
}
