// Renders a RolloutView as `kubectl argo rollouts get rollout --no-color` prints it
// (pkg/kubectl-argo-rollouts/cmd/get/get_rollout.go): the header table ("%-17s%v"), then the tree
// through a tab writer (minwidth 0, padding 2), icons and prefixes as upstream. Local additions:
// an instance's endpoint and failure message in INFO, and the local notes after the tree.
import type { RolloutView } from '../model.ts';
import { humanDuration } from './human-duration.ts';

export const ICON = {
  rollout: '⟳',
  revision: '#',
  replicaSet: '⧉',
  pod: '□',
  waiting: '◷',
  progressing: '◌',
  warning: '⚠',
  unknown: '?',
  ok: '✔',
  bad: '✖',
  paused: '॥',
  neutral: '•',
  analysis: 'α',
} as const;

/** info.analysisIcon. */
export function analysisIcon(phase: string): string {
  switch (phase) {
    case 'Successful':
      return ICON.ok;
    case 'Inconclusive':
      return ICON.unknown;
    case 'Failed':
      return ICON.bad;
    case 'Error':
      return ICON.warning;
    case 'Running':
      return ICON.progressing;
    case 'Pending':
      return ICON.waiting;
  }
  return ' ';
}

export function rolloutIcon(phase: string): string {
  switch (phase) {
    case 'Progressing':
      return ICON.progressing;
    case 'Error':
    case 'InvalidSpec':
      return ICON.warning;
    case 'Paused':
      return ICON.paused;
    case 'Healthy':
      return ICON.ok;
    case 'Degraded':
      return ICON.bad;
    case 'Unknown':
      return ICON.unknown;
    case 'ScaledDown':
      return ICON.neutral;
  }
  return ' ';
}

export function replicaSetIcon(status: string): string {
  switch (status) {
    case 'Progressing':
      return ICON.progressing;
    case 'Healthy':
      return ICON.ok;
    case 'ReplicaFailure':
    case 'Degraded':
      return ICON.bad;
    case 'ScaledDown':
      return ICON.neutral;
  }
  return ' ';
}

/** info.podIcon (kubelet reasons). */
export function podIcon(status: string): string {
  if (status.startsWith('Init:')) return ICON.progressing;
  if (status.startsWith('Signal:') || status.startsWith('ExitCode:')) return ICON.bad;
  if (status.endsWith('Error') || status.startsWith('Err')) return ICON.warning;
  switch (status) {
    case 'Pending':
    case 'Terminating':
    case 'ContainerCreating':
      return ICON.progressing;
    case 'Running':
    case 'Completed':
      return ICON.ok;
    case 'Failed':
    case 'InvalidImageName':
    case 'CrashLoopBackOff':
      return ICON.bad;
    case 'ImagePullBackOff':
    case 'RegistryUnavailable':
      return ICON.warning;
    case 'Unknown':
      return ICON.unknown;
  }
  return ' ';
}

function prefixes(isLast: boolean, subpfx: string): [string, string] {
  return isLast ? [`${subpfx}└──`, `${subpfx}   `] : [`${subpfx}├──`, `${subpfx}│  `];
}

function width(s: string): number {
  return [...s].length;
}

/** text/tabwriter with padding 2: every tab-terminated cell is padded to its column's width. */
function tabulate(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.slice(0, -1).forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))));
  return rows.map((row) =>
    row
      .map((cell, i) => (i < row.length - 1 ? cell + ' '.repeat((widths[i] ?? 0) + 2 - width(cell)) : cell))
      .join('')
      .trimEnd(),
  );
}

export interface TreeOptions {
  /** For "delay:" countdowns of scale-down deadlines. */
  readonly now: Date;
}

export function renderRolloutTree(view: RolloutView, options: TreeOptions): string {
  const lines: string[] = [];
  const field = (label: string, value: string): void => void lines.push(`${label.padEnd(17)}${value}`.trimEnd());
  field('Name:', view.name);
  field('Namespace:', view.namespace);
  field('Status:', `${rolloutIcon(view.phase)} ${view.phase}`);
  if (view.message !== '') field('Message:', view.message);
  field('Strategy:', view.strategy);
  view.images.forEach((img, i) =>
    field(i === 0 ? 'Images:' : '', img.markers.length === 0 ? img.image : `${img.image} (${img.markers.join(', ')})`),
  );
  lines.push('Replicas:');
  field('  Desired:', String(view.replicas.desired));
  field('  Current:', String(view.replicas.current));
  field('  Updated:', String(view.replicas.updated));
  field('  Ready:', String(view.replicas.ready));
  field('  Available:', String(view.replicas.available));
  lines.push('');

  const rows: string[][] = [['NAME', 'KIND', 'STATUS', 'AGE', 'INFO']];
  rows.push([
    `${ICON.rollout} ${view.name}`,
    'Rollout',
    `${rolloutIcon(view.phase)} ${view.phase}`,
    view.age ?? '',
    '',
  ]);
  view.revisions.forEach((rev, i) => {
    const [prefix, subpfx] = prefixes(i === view.revisions.length - 1, '');
    rows.push([`${prefix}${ICON.revision} revision:${rev.revision}`, '', ' ', '', '']);
    const runs = rev.analysisRuns ?? [];
    // PrintRevision: the ReplicaSet, then the revision's AnalysisRuns, as siblings.
    const [rsPrefix, rsSubpfx] = prefixes(runs.length === 0, subpfx);
    const info: string[] = [...rev.markers];
    if (rev.scaleDownDeadline !== undefined) info.push(`delay:${scaleDownDelay(rev.scaleDownDeadline, options.now)}`);
    rows.push([
      `${rsPrefix}${ICON.replicaSet} ${rev.name ?? rev.podTemplateHash}`,
      'ReplicaSet',
      `${replicaSetIcon(rev.status)} ${rev.status}`,
      rev.age ?? '',
      info.join(','),
    ]);
    rev.pods.forEach((pod, j) => {
      const [podPrefix] = prefixes(j === rev.pods.length - 1, rsSubpfx);
      const podInfo = [`ready:${pod.readyContainers ?? (pod.ready ? '1/1' : '0/1')}`];
      if (pod.restarts > 0) podInfo.push(`restarts:${pod.restarts}`);
      if (pod.endpoint !== undefined) podInfo.push(pod.endpoint);
      const message = pod.message === undefined ? '' : `  ${pod.message}`;
      rows.push([
        `${podPrefix}${ICON.pod} ${pod.name}`,
        'Pod',
        `${podIcon(pod.state)} ${pod.state}`,
        pod.age,
        podInfo.join(',') + message,
      ]);
    });
    runs.forEach((run, k) => {
      const [runPrefix] = prefixes(k === runs.length - 1, subpfx);
      const counts: string[] = [];
      if (run.successful > 0) counts.push(`${ICON.ok} ${run.successful}`);
      if (run.failed > 0) counts.push(`${ICON.bad} ${run.failed}`);
      if (run.inconclusive > 0) counts.push(`${ICON.unknown} ${run.inconclusive}`);
      if (run.error > 0) counts.push(`${ICON.warning} ${run.error}`);
      rows.push([
        `${runPrefix}${ICON.analysis} ${run.name}`,
        'AnalysisRun',
        `${analysisIcon(run.status)} ${run.status}`,
        run.age ?? '',
        counts.join(','),
      ]);
    });
  });
  lines.push(...tabulate(rows));
  if (view.notes.length > 0) {
    lines.push('', 'Local engine notes:');
    for (const note of view.notes) lines.push(`  - ${note}`);
  }
  return `${lines.join('\n')}\n`;
}

/** info.ScaleDownDelay: time left before a ReplicaSet is scaled down, or "passed". */
export function scaleDownDelay(deadline: string, now: Date): string {
  const t = Date.parse(deadline);
  if (Number.isNaN(t)) return '';
  return t < now.getTime() ? 'passed' : humanDuration(t - now.getTime());
}
