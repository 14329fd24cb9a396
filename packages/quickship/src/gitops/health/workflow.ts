// argoproj.io Workflow (gitops-engine health_argo.go): by status.phase, with the workflow's message.
import type { HealthStatus, KubeObject } from '../../store/object.ts';
import { statusOf, text } from './fields.ts';

export function workflowHealth(obj: KubeObject): HealthStatus {
  const status = statusOf(obj);
  const phase = text(status.phase) ?? '';
  const message = text(status.message) ?? '';
  switch (phase) {
    case '':
    case 'Pending':
    case 'Running':
      return { status: 'Progressing', message };
    case 'Succeeded':
      return { status: 'Healthy', message };
    case 'Failed':
    case 'Error':
      return { status: 'Degraded', message };
  }
  return { status: 'Unknown', message };
}
