// What the engine runs, read from deploy/: the Rollout (one per engine: the active and preview
// ports are the machine's), its Services, the ConfigMaps its env refers to, and the rest listed
// as cluster only. Parsing is core's; this file only reads the folder and picks.
import { UserError } from '../errors.ts';
import { isAnalysisTemplate, parseAnalysisTemplate, type AnalysisTemplate } from '../analysis/index.ts';
import { readDeployObjects, splitManifests, objectIdentity, type ManifestDocument } from '../core/index.ts';
import type { OtherObject, RolloutSpec, ServiceSpec } from '../model.ts';
import { readDeployDir } from './deploy-source.ts';
import type { ObjectStore } from '../store/object-store.ts';
import type { KubeObject } from '../store/object.ts';
import { SERVER_METADATA } from '../store/fields.ts';
import { TRACKING_ANNOTATION } from '../gitops/resources.ts';
import type { UnknownRecord } from '../core/fields.ts';
import type { KeyValues } from './env.ts';

export interface DeployState {
  readonly dir: string;
  readonly rollout: RolloutSpec;
  /** The Rollout object as written (metadata + spec for `status --json`). */
  readonly manifest: Record<string, unknown>;
  readonly services: readonly ServiceSpec[];
  readonly configMaps: ReadonlyMap<string, KeyValues>;
  /** Objects the local engine does not run (cluster only, or not yet run locally like AnalysisTemplates). */
  readonly others: readonly OtherObject[];
  /** AnalysisTemplates and ClusterAnalysisTemplates (run by engine/analysis-controller.ts). */
  readonly analysisTemplates: readonly AnalysisTemplate[];
}

export class NoRolloutError extends UserError {
  override readonly code = 'NotFound';
  override readonly fix =
    'write a Rollout (kind: Rollout, apiVersion: argoproj.io/v1alpha1) to rollout.yaml there, or pass --dir <folder>';
  constructor(readonly dir: string) {
    super(`no Rollout found in ${dir}`);
    this.name = 'NoRolloutError';
  }
}

export class SeveralRolloutsError extends UserError {
  override readonly code = 'Invalid';
  override readonly fix =
    'keep one Rollout per deploy folder and run one engine per folder (with other --active-port/--preview-port/--api-port)';
  constructor(
    readonly dir: string,
    names: readonly string[],
  ) {
    super(`${dir} holds ${names.length} Rollouts (${names.join(', ')}); the local engine runs one`);
    this.name = 'SeveralRolloutsError';
  }
}

export function loadDeploy(dir: string): DeployState {
  return deployFromDocs(
    dir,
    readDeployDir(dir).flatMap((f) => splitManifests(f.text, f.file)),
  );
}

/**
 * The same picture from the live store (GitOps mode): the objects Argo CD tracks in the
 * Rollout's namespace, as the API server holds them (status and server-managed metadata left out,
 * so parsing sees what a manifest would say).
 */
export function deployFromStore(store: ObjectStore, label: string): DeployState {
  const rollouts = store.list({ kind: 'Rollout', group: 'argoproj.io' });
  if (rollouts.length === 0) throw new NoRolloutError(label);
  const namespace = rollouts[0]!.metadata.namespace ?? '';
  const docs: ManifestDocument[] = store
    .list({ namespace })
    .filter((o) => o.metadata.annotations?.[TRACKING_ANNOTATION] !== undefined)
    .map((o) => ({ file: 'live store', index: 0, line: 1, object: asManifest(o) }));
  return deployFromDocs(label, docs);
}

function asManifest(object: KubeObject): UnknownRecord {
  const { status: _status, metadata, ...rest } = object;
  const meta: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) if (!SERVER_METADATA.has(key)) meta[key] = value;
  return { ...rest, metadata: meta } as UnknownRecord;
}

function deployFromDocs(dir: string, docs: readonly ManifestDocument[]): DeployState {
  const objects = readDeployObjects(docs);
  if (objects.rollouts.length === 0) throw new NoRolloutError(dir);
  if (objects.rollouts.length > 1)
    throw new SeveralRolloutsError(
      dir,
      objects.rollouts.map((r) => r.spec.name),
    );
  const [rollout] = objects.rollouts;
  return {
    dir,
    rollout: rollout!.spec,
    manifest: rollout!.source.object,
    services: objects.services.map((s) => s.spec),
    configMaps: configMaps(docs),
    // ConfigMaps feed configMapKeyRef locally and AnalysisTemplates run locally: not "cluster only".
    others: objects.others.filter(
      (o) =>
        !(o.kind === 'ConfigMap' && o.apiVersion === 'v1') &&
        !(
          o.apiVersion.startsWith('argoproj.io/') &&
          (o.kind === 'AnalysisTemplate' || o.kind === 'ClusterAnalysisTemplate')
        ),
    ),
    analysisTemplates: analysisTemplates(docs),
  };
}

/** The AnalysisTemplates of deploy/; one that does not parse is left out (its runs then say "not found"). */
function analysisTemplates(docs: readonly ManifestDocument[]): AnalysisTemplate[] {
  const out: AnalysisTemplate[] = [];
  for (const doc of docs) {
    const object = doc.object as unknown as KubeObject;
    if (typeof object.kind !== 'string' || typeof object.apiVersion !== 'string' || !isAnalysisTemplate(object))
      continue;
    try {
      out.push(parseAnalysisTemplate(object));
    } catch {
      // `quickship lint` reports it; the run that needs it is an Error run naming the template.
    }
  }
  return out;
}

/** ConfigMap data (and binaryData, which env cannot use, is skipped), by name. */
function configMaps(docs: readonly ManifestDocument[]): Map<string, KeyValues> {
  const maps = new Map<string, KeyValues>();
  for (const doc of docs) {
    const { apiVersion, kind, name } = objectIdentity(doc.object);
    if (kind !== 'ConfigMap' || apiVersion !== 'v1') continue;
    const data = doc.object.data;
    const values: Record<string, string> = {};
    if (data && typeof data === 'object' && !Array.isArray(data)) {
      for (const [key, value] of Object.entries(data as Record<string, unknown>)) values[key] = String(value);
    }
    maps.set(name, values);
  }
  return maps;
}
