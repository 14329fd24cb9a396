// The page's sections, each a function of the state it shows (DOM out, no fetching).
import { ago, badge, h } from './dom.ts';
import { drawChart, formatValue } from './charts.ts';
import { measurementValue, runPhase, thresholds, type Obj, type RunMetric, type TimelineEvent } from './derive.ts';

export interface RolloutView {
  readonly name: string;
  readonly namespace: string;
  readonly phase: string;
  readonly message: string;
  readonly revisions: readonly {
    readonly revision: number;
    readonly podTemplateHash: string;
    readonly name?: string;
    readonly age?: string;
    readonly image: string;
    readonly markers: readonly string[];
    readonly status: string;
    readonly pods: readonly {
      readonly name: string;
      readonly state: string;
      readonly ready: boolean;
      readonly restarts: number;
      readonly age: string;
      readonly endpoint?: string;
      readonly message?: string;
    }[];
  }[];
}

export interface RolloutEntry {
  readonly rollout: Obj;
  readonly view: RolloutView;
}

function field(label: string, ...value: (Node | string | undefined)[]): HTMLElement {
  return h('div', { class: 'field' }, h('dt', {}, label), h('dd', {}, ...value.map((v) => v ?? '–')));
}

export function applicationSection(
  app: Obj | undefined,
  diff: string | undefined,
  missing: string | undefined,
): HTMLElement {
  if (!app)
    return h(
      'section',
      { 'aria-labelledby': 'app-h' },
      h('h2', { id: 'app-h' }, 'Application'),
      h('p', { class: 'missing' }, missing ?? 'no Application'),
    );
  const s = app.status as {
    sync?: { status?: string; revision?: string };
    health?: { status?: string; message?: string };
    revisionSubject?: string;
    operationState?: { phase?: string; message?: string; finishedAt?: string; startedAt?: string };
    history?: {
      id: number;
      revision: string;
      deployedAt: string;
      initiatedBy?: { username?: string; automated?: boolean };
    }[];
    conditions?: { type: string; message: string }[];
  };
  const spec = app.spec as { syncPolicy?: { automated?: { selfHeal?: boolean; prune?: boolean } } } | undefined;
  const op = s.operationState;
  return h(
    'section',
    { 'aria-labelledby': 'app-h', id: 'application' },
    h('h2', { id: 'app-h' }, `Application ${app.metadata?.name ?? ''}`),
    h(
      'dl',
      { class: 'fields' },
      field('Sync', badge(s.sync?.status)),
      field('Health', badge(s.health?.status), s.health?.message ? ` ${s.health.message}` : ''),
      field('Revision', h('code', {}, s.sync?.revision?.slice(0, 7) ?? '?'), ` ${s.revisionSubject ?? ''}`),
      field(
        'Last sync',
        op ? badge(op.phase) : 'none',
        op ? ` ${op.message ?? ''} ${ago(op.finishedAt ?? op.startedAt)}` : '',
      ),
      field(
        'Policy',
        spec?.syncPolicy?.automated
          ? `auto-sync${spec.syncPolicy.automated.selfHeal ? ', self-heal' : ''}${spec.syncPolicy.automated.prune ? ', prune' : ''}`
          : 'manual sync',
      ),
    ),
    ...(s.conditions ?? []).map((c) => h('p', { class: 'condition' }, `${c.type}: ${c.message}`)),
    s.sync?.status === 'OutOfSync' && diff !== undefined
      ? h(
          'details',
          { open: true, class: 'diff' },
          h('summary', {}, 'Diff (live → Git)'),
          h(
            'pre',
            { 'aria-label': 'diff of the OutOfSync resources' },
            ...diff.split('\n').map((line) =>
              h(
                'span',
                {
                  class: line.startsWith('+')
                    ? 'add'
                    : line.startsWith('-')
                      ? 'del'
                      : line.startsWith('@@') || line.startsWith('===')
                        ? 'hunk'
                        : '',
                },
                line + '\n',
              ),
            ),
          ),
        )
      : null,
    h(
      'details',
      { class: 'history' },
      h('summary', {}, `History (${s.history?.length ?? 0})`),
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h('tr', {}, h('th', {}, 'id'), h('th', {}, 'revision'), h('th', {}, 'deployed'), h('th', {}, 'by')),
        ),
        h(
          'tbody',
          {},
          [...(s.history ?? [])]
            .reverse()
            .map((e) =>
              h(
                'tr',
                {},
                h('td', {}, String(e.id)),
                h('td', {}, h('code', {}, e.revision.slice(0, 7))),
                h('td', { title: e.deployedAt }, ago(e.deployedAt)),
                h('td', {}, e.initiatedBy?.automated ? 'auto-sync' : (e.initiatedBy?.username ?? '')),
              ),
            ),
        ),
      ),
    ),
  );
}

export function rolloutSection(entry: RolloutEntry | undefined, missing: string | undefined): HTMLElement {
  if (!entry)
    return h(
      'section',
      { 'aria-labelledby': 'ro-h' },
      h('h2', { id: 'ro-h' }, 'Rollout'),
      h('p', { class: 'missing' }, missing ?? 'no Rollout yet'),
    );
  const v = entry.view;
  const status = entry.rollout.status as
    { pauseConditions?: { reason: string; startTime?: string }[]; abort?: boolean } | undefined;
  return h(
    'section',
    { 'aria-labelledby': 'ro-h', id: 'rollout' },
    h('h2', { id: 'ro-h' }, `Rollout ${v.name}`),
    h('p', { class: 'phase' }, badge(v.phase), ' ', h('span', { id: 'rollout-message' }, v.message || '')),
    (status?.pauseConditions ?? []).length > 0
      ? h(
          'p',
          { class: 'pause' },
          'Paused: ',
          (status?.pauseConditions ?? []).map((p) => `${p.reason} (${ago(p.startTime)})`).join(', '),
        )
      : null,
    status?.abort ? h('p', { class: 'condition' }, 'Aborted') : null,
    h(
      'div',
      { class: 'revisions' },
      v.revisions.map((r) =>
        h(
          'article',
          {
            class: `revision ${r.markers.join(' ')}`,
            'data-hash': r.podTemplateHash,
            'aria-label': `revision ${r.revision}`,
          },
          h(
            'h3',
            {},
            `Revision ${r.revision} `,
            ...r.markers.map((m) => h('span', { class: `role role-${m}` }, m)),
            ' ',
            badge(r.status),
          ),
          h(
            'p',
            {},
            h('code', {}, r.podTemplateHash),
            ' ',
            h('span', { class: 'image' }, r.image),
            r.age ? ` · ${r.age}` : '',
          ),
          r.pods.length > 0
            ? h(
                'table',
                { class: 'pods' },
                h(
                  'thead',
                  {},
                  h(
                    'tr',
                    {},
                    h('th', {}, 'instance'),
                    h('th', {}, 'ready'),
                    h('th', {}, 'restarts'),
                    h('th', {}, 'age'),
                    h('th', {}, 'state'),
                  ),
                ),
                h(
                  'tbody',
                  {},
                  r.pods.map((p) =>
                    h(
                      'tr',
                      {},
                      h('td', {}, p.name, p.endpoint ? h('small', {}, ` ${p.endpoint}`) : ''),
                      h('td', {}, p.ready ? '✔ ready' : '✖ not ready'),
                      h('td', {}, String(p.restarts)),
                      h('td', {}, p.age),
                      h('td', {}, p.state, p.message ? h('small', {}, ` ${p.message}`) : ''),
                    ),
                  ),
                ),
              )
            : h('p', { class: 'muted' }, 'no instances'),
        ),
      ),
    ),
  );
}

export function analysisSection(runs: readonly Obj[], hashRoles: ReadonlyMap<string, string>): HTMLElement {
  const section = h('section', { 'aria-labelledby': 'an-h', id: 'analysis' }, h('h2', { id: 'an-h' }, 'Analysis runs'));
  if (runs.length === 0) {
    section.append(h('p', { class: 'muted' }, 'No AnalysisRun for this Rollout yet.'));
    return section;
  }
  for (const run of runs.slice(0, 4)) {
    const st = run.status as
      { message?: string; runSummary?: Record<string, number>; metricResults?: RunMetric[] } | undefined;
    const hash = run.metadata?.labels?.['rollouts-pod-template-hash'];
    const metrics =
      (run.spec?.metrics as { name: string; successCondition?: string; failureCondition?: string }[] | undefined) ?? [];
    const sum = st?.runSummary;
    const art = h(
      'article',
      { class: 'run', 'data-run': run.metadata?.name ?? '', 'data-phase': runPhase(run) },
      h(
        'h3',
        {},
        `${run.metadata?.name ?? '?'} `,
        badge(runPhase(run)),
        hash ? h('small', {}, ` revision ${hash}${hashRoles.get(hash) ? ` (${hashRoles.get(hash)})` : ''}`) : '',
      ),
      sum
        ? h(
            'p',
            { class: 'counts' },
            `count ${sum.count ?? 0} · successful ${sum.successful ?? 0} · failed ${sum.failed ?? 0} · inconclusive ${sum.inconclusive ?? 0} · error ${sum.error ?? 0}`,
          )
        : null,
      st?.message ? h('p', { class: 'run-message' }, st.message) : null,
    );
    for (const result of st?.metricResults ?? []) {
      const metric = metrics.find((m) => m.name === result.name);
      const box = h('div', { class: 'chart', 'aria-label': `measurements of ${result.name}` });
      const values = result.measurements.map((m) => measurementValue(m.value));
      // A Job metric (the smoke test) measures a phase and no value, as upstream's Job provider:
      // no chart for it, only its measurements list (a chart of no numbers had a bogus time axis).
      const charted = values.some((v) => v !== undefined);
      art.append(
        h(
          'div',
          { class: 'metric' },
          h(
            'h4',
            {},
            `${result.name} `,
            badge(result.phase),
            h(
              'small',
              {},
              ` ${result.measurements.length} measurements · ${metric?.successCondition ? `success: ${metric.successCondition}` : ''} ${metric?.failureCondition ? `failure: ${metric.failureCondition}` : ''}`,
            ),
          ),
          result.message ? h('p', { class: 'run-message' }, result.message) : null,
          charted ? box : null,
          h(
            'ol',
            { class: 'measurements' },
            result.measurements
              .slice(-8)
              .map((m, i) =>
                h(
                  'li',
                  { class: `m-${m.phase.toLowerCase()}` },
                  `${m.phase} ${m.value ?? ''} ${ago(m.finishedAt ?? m.startedAt)}${m.message ? ` — ${m.message}` : ''}`,
                  i < 0 ? '' : '',
                ),
              ),
          ),
        ),
      );
      if (!charted) continue;
      requestAnimationFrame(() =>
        drawChart(box, {
          title: `${result.name}`,
          series: [
            {
              label: result.name,
              markers: true,
              points: result.measurements.map(
                (m, i) => [Date.parse(m.finishedAt ?? m.startedAt ?? '') / 1000, values[i] ?? null] as const,
              ),
            },
          ],
          thresholds: [
            ...thresholds(metric?.successCondition).map((value) => ({
              value,
              label: `success ${metric?.successCondition}`,
              kind: 'success' as const,
            })),
            ...thresholds(metric?.failureCondition).map((value) => ({
              value,
              label: `failure ${metric?.failureCondition}`,
              kind: 'failure' as const,
            })),
          ],
        }),
      );
    }
    section.append(art);
  }
  return section;
}

export function timelineSection(
  events: readonly TimelineEvent[],
  alerts:
    | readonly {
        labels: Record<string, string>;
        state: string;
        activeAt?: string;
        annotations?: Record<string, string>;
      }[]
    | string,
): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'tl-h', id: 'timeline' },
    h('h2', { id: 'tl-h' }, 'Alerts and timeline'),
    typeof alerts === 'string'
      ? h('p', { class: 'missing' }, alerts)
      : alerts.length === 0
        ? h('p', { class: 'muted' }, 'No alert firing.')
        : h(
            'ul',
            { class: 'alerts' },
            alerts.map((a) =>
              h(
                'li',
                { class: `alert-${a.state}` },
                badge(a.state),
                ` ${a.labels.alertname ?? '?'} `,
                a.annotations?.summary ?? '',
                ` ${ago(a.activeAt)}`,
              ),
            ),
          ),
    h(
      'ol',
      { class: 'timeline' },
      events
        .slice(0, 30)
        .map((e) =>
          h(
            'li',
            e.warning ? { class: 'warning' } : {},
            h('time', { datetime: e.at, title: e.at }, ago(e.at)),
            ' ',
            h('strong', {}, e.what),
            e.detail ? ` ${e.detail}` : '',
          ),
        ),
    ),
  );
}

export { formatValue };
