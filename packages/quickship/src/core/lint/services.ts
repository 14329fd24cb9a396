// Argo's ValidateService (validation_references.go) as the lint command applies it: every Service
// in the input that a Rollout names (active/preview, canary/stable, ping/pong) must select only
// labels the pod template carries (rollouts-pod-template-hash excepted), and must not be managed
// by another Rollout. Plus one local rule (origin "quickship"): a blue/green Rollout's active and
// preview Services must be in the input, since the local engine routes through them.
import { isRecord, type UnknownRecord } from '../fields.ts';
import { objectIdentity } from '../manifest-documents.ts';
import { POD_TEMPLATE_HASH_LABEL } from '../hash.ts';
import { goString, invalid, notFound, type FieldError } from './field-error.ts';

const MANAGED_BY = 'argo-rollouts.argoproj.io/managed-by-rollouts';

export interface ServiceReference {
  readonly name: string;
  readonly field: string;
}

/** The Services a Rollout names, with the field path that names them (GetServiceWithTypeFieldPath). */
export function referencedServices(rollout: UnknownRecord): ServiceReference[] {
  const spec = isRecord(rollout.spec) ? rollout.spec : {};
  const strategy = isRecord(spec.strategy) ? spec.strategy : {};
  const refs: ServiceReference[] = [];
  const add = (value: unknown, field: string): void => {
    if (typeof value === 'string' && value !== '') refs.push({ name: value, field });
  };
  if (isRecord(strategy.canary)) {
    add(strategy.canary.canaryService, 'spec.strategy.canary.canaryService');
    add(strategy.canary.stableService, 'spec.strategy.canary.stableService');
    if (isRecord(strategy.canary.pingPong)) {
      add(strategy.canary.pingPong.pingService, 'spec.strategy.canary.pingPong.pingService');
      add(strategy.canary.pingPong.pongService, 'spec.strategy.canary.pingPong.pongService');
    }
  }
  if (isRecord(strategy.blueGreen)) {
    add(strategy.blueGreen.activeService, 'spec.strategy.blueGreen.activeService');
    add(strategy.blueGreen.previewService, 'spec.strategy.blueGreen.previewService');
  }
  return refs;
}

export function validateServices(
  rollout: UnknownRecord,
  services: readonly UnknownRecord[],
  requireBlueGreenServices: boolean,
): { argo: FieldError[]; local: FieldError[] } {
  const rolloutName = objectIdentity(rollout).name;
  const spec = isRecord(rollout.spec) ? rollout.spec : {};
  const template = isRecord(spec.template) ? spec.template : {};
  const metadata = isRecord(template.metadata) ? template.metadata : {};
  const labels: UnknownRecord = isRecord(metadata.labels) ? metadata.labels : {};
  const refs = referencedServices(rollout);
  const argo: FieldError[] = [];
  // Upstream iterates the Services in file order and gives each the (last) role this Rollout assigns it.
  for (const service of services) {
    const name = objectIdentity(service).name;
    const ref = [...refs].reverse().find((r) => r.name === name);
    if (ref === undefined) continue;
    const svcSpec = isRecord(service.spec) ? service.spec : {};
    const selector = isRecord(svcSpec.selector) ? svcSpec.selector : {};
    // Go ranges over a map in random order; we report unmatched labels sorted.
    for (const key of Object.keys(selector).sort()) {
      if (key === POD_TEMPLATE_HASH_LABEL) continue;
      if (labels[key] !== selector[key])
        argo.push(
          invalid(
            ref.field,
            goString(name),
            `Service ${JSON.stringify(name)} has unmatch label ${JSON.stringify(key)} in rollout`,
          ),
        );
    }
    const svcMeta = isRecord(service.metadata) ? service.metadata : {};
    const annotations = isRecord(svcMeta.annotations) ? svcMeta.annotations : {};
    const managedBy = annotations[MANAGED_BY];
    if (typeof managedBy === 'string' && managedBy !== rolloutName)
      argo.push(invalid(ref.field, goString(name), `Service ${JSON.stringify(name)} is managed by another Rollout`));
  }
  const local: FieldError[] = [];
  if (requireBlueGreenServices) {
    const present = new Set(services.map((s) => objectIdentity(s).name));
    for (const ref of refs) {
      if (ref.field.startsWith('spec.strategy.blueGreen.') && !present.has(ref.name)) {
        local.push(
          notFound(
            ref.field,
            goString(ref.name),
            `Service ${JSON.stringify(ref.name)} is not among the linted objects; the local engine routes through it, add it next to the Rollout`,
          ),
        );
      }
    }
  }
  return { argo, local };
}
