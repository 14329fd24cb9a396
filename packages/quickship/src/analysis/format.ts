// `quickship analysis get <name>`: an AnalysisRun as `kubectl argo rollouts get` would let you
// read it — the run's phase and message, then each metric with its counts and every measurement
// kept (value, phase, startedAt, finishedAt, message). Pure: the object in, text out.
import type { AnalysisRun } from './types.ts';

export function formatAnalysisRun(run: AnalysisRun): string {
  const status = run.status;
  const lines = [
    `Name:          ${run.metadata.namespace ? `${run.metadata.namespace}/` : ''}${run.metadata.name}`,
    `Rollout:       ${run.metadata.ownerReferences?.find((o) => o.kind === 'Rollout')?.name ?? ''}`,
    `Type:          ${run.metadata.labels?.['rollout-type'] ?? ''}`,
    `Revision:      ${run.metadata.annotations?.['rollout.argoproj.io/revision'] ?? ''}`,
    `Pod hash:      ${run.metadata.labels?.['rollouts-pod-template-hash'] ?? ''}`,
    `Phase:         ${status?.phase ?? 'Pending'}${run.spec.terminate ? ' (terminated)' : ''}`,
  ];
  if (status?.message) lines.push(`Message:       ${status.message}`);
  if (status?.startedAt) lines.push(`Started:       ${status.startedAt}`);
  if (status?.completedAt) lines.push(`Completed:     ${status.completedAt}`);
  const args = run.spec.args ?? [];
  if (args.length > 0)
    lines.push(
      `Args:          ${args.map((a) => `${a.name}=${a.value ?? (a.valueFrom ? '<valueFrom>' : '')}`).join(', ')}`,
    );
  for (const metric of run.spec.metrics) {
    const result = status?.metricResults?.find((m) => m.name === metric.name);
    lines.push(
      '',
      `Metric ${metric.name}: ${result?.phase ?? 'Pending'}${result?.message ? ` (${result.message})` : ''}`,
    );
    const counts = result
      ? `count ${result.count ?? 0}, successful ${result.successful ?? 0}, failed ${result.failed ?? 0}, inconclusive ${result.inconclusive ?? 0}, error ${result.error ?? 0}, consecutiveError ${result.consecutiveError ?? 0}`
      : 'no measurement yet';
    lines.push(`  ${counts}`);
    for (const m of result?.measurements ?? []) {
      lines.push(
        `  - ${m.phase.padEnd(12)} value=${m.value ?? ''}  startedAt=${m.startedAt ?? ''}  finishedAt=${m.finishedAt ?? ''}${m.message ? `  message=${m.message}` : ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
