// An Application's health from its resources, as Argo CD's application controller computes it
// (controller/health.go setApplicationHealth): the worst counted resource wins (isWorse order),
// starting from Healthy. Not counted: hooks, Skip-only and ignored objects, objects annotated
// argocd.argoproj.io/ignore-healthcheck=true, kinds with no health check, the app itself, a
// resource that is Missing (OutOfSync says that already), and a child Application that is Missing
// or Unknown. If the app should have resources but none is live, it is Missing.
import type { HealthStatus, HealthStatusCode, KubeObject } from '../../store/object.ts';
import { groupOf } from '../../store/object.ts';
import { isWorse, resourceHealth, type HealthOptions } from './health.ts';
import { isHook, isIgnored, isSkipped } from './hooks.ts';

export const IGNORE_HEALTHCHECK_ANNOTATION = 'argocd.argoproj.io/ignore-healthcheck';
/** Argo CD names at most this many causes, then "and N more". */
const MAX_CAUSES_SHOWN = 3;

/** One resource an Application manages: desired (from Git), live (in the store), or both. */
export interface ManagedResource {
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly target?: KubeObject;
  readonly live?: KubeObject;
}

/** Why a resource does not count toward the app's health. */
export type NotCounted =
  | 'skip hook'
  | 'hook'
  | 'ignored hook'
  | 'ignore-healthcheck'
  | 'self'
  | 'no health check'
  | 'missing'
  | 'child app missing or unknown';

export interface ResourceHealth {
  readonly resource: ManagedResource;
  /** The resource's own health (Missing when it should exist but is not live); undefined when none is assessed. */
  readonly health?: HealthStatus;
  readonly notCounted?: NotCounted;
}

export interface ApplicationHealth {
  readonly status: HealthStatusCode;
  /** "Caused by group/Kind:namespace/name, …" naming the resources at the app's status (Argo CD's wording), or ''. */
  readonly message: string;
  readonly resources: readonly ResourceHealth[];
}

export interface AggregateOptions extends HealthOptions {
  /** The Application being assessed, so that an app managing itself does not affect its own health. */
  readonly app?: Pick<KubeObject['metadata'], 'name' | 'namespace' | 'uid'>;
}

function isSelf(live: KubeObject, app: AggregateOptions['app']): boolean {
  return (
    app !== undefined &&
    live.metadata.uid === app.uid &&
    live.metadata.name === app.name &&
    live.metadata.namespace === app.namespace &&
    groupOf(live.apiVersion) === 'argoproj.io' &&
    live.kind === 'Application'
  );
}

function describe(resource: ManagedResource): string {
  const groupKind = resource.group === '' ? resource.kind : `${resource.group}/${resource.kind}`;
  const name = resource.namespace ? `${resource.namespace}/${resource.name}` : resource.name;
  return `${groupKind}:${name}`;
}

function causesMessage(causes: readonly ManagedResource[]): string {
  if (causes.length === 0) return '';
  const shown = causes.slice(0, MAX_CAUSES_SHOWN).map(describe).join(', ');
  const more = causes.length > MAX_CAUSES_SHOWN ? ` and ${causes.length - MAX_CAUSES_SHOWN} more` : '';
  return `Caused by ${shown}${more}`;
}

export function aggregateHealth(
  resources: readonly ManagedResource[],
  options: AggregateOptions = {},
): ApplicationHealth {
  let status: HealthStatusCode = 'Healthy';
  let causes: ManagedResource[] = [];
  let hasResources = false;
  let hasLiveResources = false;
  const assessed: ResourceHealth[] = [];

  for (const resource of resources) {
    const { target, live } = resource;
    const skip = (notCounted: NotCounted, health?: HealthStatus): void => {
      assessed.push(health === undefined ? { resource, notCounted } : { resource, health, notCounted });
    };
    if (target !== undefined && isSkipped(target)) {
      skip('skip hook');
      continue;
    }
    if (live !== undefined && (isHook(live) || isIgnored(live))) {
      skip(isIgnored(live) ? 'ignored hook' : 'hook');
      continue;
    }
    hasResources = true;
    if (live !== undefined) hasLiveResources = true;
    if (live?.metadata.annotations?.[IGNORE_HEALTHCHECK_ANNOTATION] === 'true') {
      skip('ignore-healthcheck');
      continue;
    }
    if (live !== undefined && isSelf(live, options.app)) {
      skip('self');
      continue;
    }
    const health: HealthStatus | undefined = live === undefined ? { status: 'Missing' } : resourceHealth(live, options);
    if (health === undefined) {
      skip('no health check');
      continue;
    }
    if (live === undefined) {
      skip('missing', health);
      continue;
    }
    const childApp = resource.group === 'argoproj.io' && resource.kind === 'Application';
    if (childApp && (health.status === 'Missing' || health.status === 'Unknown')) {
      skip('child app missing or unknown', health);
      continue;
    }
    assessed.push({ resource, health });
    if (isWorse(status, health.status)) {
      status = health.status;
      causes = [resource];
    } else if (status === health.status && status !== 'Healthy') {
      causes.push(resource);
    }
  }

  if (hasResources && !hasLiveResources && isWorse(status, 'Missing')) {
    status = 'Missing';
    causes = [];
  }
  return { status, message: causesMessage(causes), resources: assessed };
}
