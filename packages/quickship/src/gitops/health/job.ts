// batch/v1 Job (gitops-engine health_job.go): Progressing until a Complete, Failed or Suspended
// condition appears (of any status — upstream looks at the type only); then Failed wins, then a
// true Suspended, else Healthy. The message is the deciding condition's.
import type { HealthStatus, KubeObject } from '../../store/object.ts';
import { conditions, statusOf } from './fields.ts';
import { unsupportedVersion } from './unsupported.ts';

export function jobHealth(obj: KubeObject): HealthStatus {
  if (obj.apiVersion !== 'batch/v1') return unsupportedVersion(obj, 'Job');
  let failed = false;
  let failMessage = '';
  let complete = false;
  let message = '';
  let suspended = false;
  for (const condition of conditions(statusOf(obj).conditions)) {
    switch (condition.type) {
      case 'Failed':
        failed = true;
        complete = true;
        failMessage = condition.message;
        break;
      case 'Complete':
        complete = true;
        message = condition.message;
        break;
      case 'Suspended':
        complete = true;
        message = condition.message;
        if (condition.status === 'True') suspended = true;
        break;
    }
  }
  if (!complete) return { status: 'Progressing', message };
  if (failed) return { status: 'Degraded', message: failMessage };
  if (suspended) return { status: 'Suspended', message };
  return { status: 'Healthy', message };
}
