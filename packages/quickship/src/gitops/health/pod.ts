// v1 Pod (gitops-engine health_pod.go). A long-running Pod (restartPolicy Always, or the
// ignore-restart-policy annotation on a Pod that is not a hook) is Degraded while a container waits
// on an error or back-off, Healthy once Ready; a run-to-completion Pod is Progressing until it
// succeeds, so a hook Pod is not done while it runs.
import type { HealthStatus, KubeObject } from '../../store/object.ts';
import { conditions, int, list, record, specOf, statusOf, text, type Fields } from './fields.ts';
import { isHook } from './hooks.ts';
import { unsupportedVersion } from './unsupported.ts';

export const IGNORE_RESTART_POLICY_ANNOTATION = 'argocd.argoproj.io/ignore-restart-policy';

function failMessage(container: Fields): string {
  const terminated = record(record(container.state)?.terminated);
  if (terminated === undefined) return '';
  const message = text(terminated.message) ?? '';
  if (message !== '') return message;
  if (terminated.reason === 'OOMKilled') return 'OOMKilled';
  const exitCode = int(terminated.exitCode) ?? 0;
  if (exitCode !== 0) return `container "${text(container.name) ?? ''}" failed with exit code ${exitCode}`;
  return '';
}

export function podHealth(obj: KubeObject): HealthStatus {
  if (obj.apiVersion !== 'v1') return unsupportedVersion(obj, 'Pod');
  const status = statusOf(obj);
  const policy = text(specOf(obj).restartPolicy) ?? '';
  const message = text(status.message) ?? '';
  const containers = list(status.containerStatuses).map((c) => record(c) ?? {});
  const ignoresRestartPolicy = obj.metadata.annotations?.[IGNORE_RESTART_POLICY_ANNOTATION] === 'true';
  const longRunning = policy === 'Always' || (ignoresRestartPolicy && !isHook(obj));

  if (longRunning) {
    const waitingOnError = containers.flatMap((c) => {
      const waiting = record(record(c.state)?.waiting);
      const reason = text(waiting?.reason) ?? '';
      const erroring = reason.startsWith('Err') || reason.endsWith('Error') || reason.endsWith('BackOff');
      return waiting !== undefined && erroring ? [text(waiting.message) ?? ''] : [];
    });
    if (waitingOnError.length > 0) return { status: 'Degraded', message: waitingOnError.join(', ') };
  }

  switch (status.phase) {
    case 'Pending':
      return { status: 'Progressing', message };
    case 'Succeeded':
      return { status: 'Healthy', message };
    case 'Failed': {
      if (message !== '') return { status: 'Degraded', message };
      const all = [...list(status.initContainerStatuses).map((c) => record(c) ?? {}), ...containers];
      const first = all.map(failMessage).find((m) => m !== '');
      return { status: 'Degraded', message: first ?? '' };
    }
    case 'Running':
      if (longRunning) {
        const ready = conditions(status.conditions).some((c) => c.type === 'Ready' && c.status === 'True');
        if (ready) return { status: 'Healthy', message };
        const restarted = containers.some((c) => record(record(c.lastState)?.terminated) !== undefined);
        return { status: restarted ? 'Degraded' : 'Progressing', message };
      }
      if (policy === 'OnFailure' || policy === 'Never') return { status: 'Progressing', message };
  }
  return { status: 'Unknown', message };
}
