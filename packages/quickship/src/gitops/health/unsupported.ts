// gitops-engine's typed checks accept one apiVersion per kind (apps/v1 Deployment, batch/v1 Job…);
// any other version is an error, which GetResourceHealth reports as Unknown with the error text.
import type { HealthStatus, KubeObject } from '../../store/object.ts';
import { gvkString } from './fields.ts';

export function unsupportedVersion(obj: KubeObject, label: string): HealthStatus {
  return { status: 'Unknown', message: `unsupported ${label} GVK: ${gvkString(obj)}` };
}
