// Sorts the objects of deploy/ into what the local engine runs (Rollouts, Services) and what only
// means something in a cluster (Ingress, ExternalSecret, HPA, ...), listed, never dropped.
import type { OtherObject, RolloutSpec, ServiceSpec } from '../model.ts';
import { ManifestObjectError } from './errors.ts';
import { objectIdentity, type ManifestDocument } from './manifest-documents.ts';
import { isService, parseService } from './service.ts';
import { isRollout, parseRollout } from './spec.ts';

export interface DeployObjects {
  readonly rollouts: readonly { readonly spec: RolloutSpec; readonly source: ManifestDocument }[];
  readonly services: readonly { readonly spec: ServiceSpec; readonly source: ManifestDocument }[];
  /** Everything else, e.g. AnalysisTemplates (not run locally yet) and cluster-only objects. */
  readonly others: readonly OtherObject[];
}

export function readDeployObjects(docs: readonly ManifestDocument[]): DeployObjects {
  const rollouts: { spec: RolloutSpec; source: ManifestDocument }[] = [];
  const services: { spec: ServiceSpec; source: ManifestDocument }[] = [];
  const others: OtherObject[] = [];
  for (const doc of docs) {
    const id = objectIdentity(doc.object);
    try {
      if (isRollout(doc.object)) rollouts.push({ spec: parseRollout(doc.object), source: doc });
      else if (isService(doc.object)) services.push({ spec: parseService(doc.object), source: doc });
      else others.push({ apiVersion: id.apiVersion, kind: id.kind, name: id.name, file: doc.file });
    } catch (error) {
      if (error instanceof Error) throw new ManifestObjectError(doc.file, doc.index, id.kind, id.name, error);
      throw error;
    }
  }
  return { rollouts, services, others };
}
