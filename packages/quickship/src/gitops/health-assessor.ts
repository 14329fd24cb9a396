// Argo CD's health assessment (gitops/health: gitops-engine's checks and Argo CD's built-in Lua
// checks, ported) in the shape the application controller asks for it.
import type { KubeObject } from '../store/object.ts';
import type { HealthAssessor, ManagedResource } from './app-controller.ts';
import { aggregateHealth } from './health/aggregate.ts';
import { resourceHealth } from './health/health.ts';

export const argoHealth: HealthAssessor = {
  resource: (object: KubeObject) => resourceHealth(object),
  aggregate: (resources: readonly ManagedResource[], app: KubeObject) => {
    const result = aggregateHealth(resources, { app: app.metadata });
    return result.message ? { status: result.status, message: result.message } : { status: result.status };
  },
};
