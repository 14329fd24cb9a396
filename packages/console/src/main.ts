// The console page: loads the state from the engine (through the console server), renders the
// sections, keeps them live from the engine's server-sent events (store changes and rollout
// entries), polls Prometheus for the golden signals, and runs the actions after a confirmation.
import { ApiError, getJson, postJson, takeToken } from './api.ts';
import { drawChart, type ChartSeries } from './charts.ts';
import {
  actions,
  autoSync,
  runsOf,
  substituteGrafana,
  timeline,
  type ActionName,
  type ActionState,
  type Obj,
} from './derive.ts';
import { h } from './dom.ts';
import { analysisSection, applicationSection, rolloutSection, timelineSection, type RolloutEntry } from './views.ts';
import './style.css';

interface Panel {
  readonly title: string;
  readonly unit: string;
  readonly targets: readonly { readonly expr: string; readonly legend: string }[];
}
interface Config {
  readonly prometheus: boolean;
  readonly scrapeIntervalSeconds: number;
  readonly panels: readonly Panel[];
}

const token = takeToken();
const root = document.getElementById('app')!;
const connection = document.getElementById('connection')!;

const state: {
  config?: Config;
  entry?: RolloutEntry;
  app?: Obj;
  diff?: string;
  runs: Obj[];
  replicaSets: Obj[];
  events: Obj[];
  alerts: unknown[] | string;
  error?: string;
  switches: { at: number; label: string }[];
  lastActive?: string;
} = {
  runs: [],
  replicaSets: [],
  events: [],
  alerts: 'loading alerts…',
  switches: JSON.parse(sessionStorage.getItem('quickship-switches') ?? '[]'),
};

// Layout: fixed slots, so a refresh replaces a section without moving focus out of the others.
const slots = {
  error: h('div', { role: 'alert', class: 'error-slot' }),
  actions: h('section', { 'aria-labelledby': 'act-h', id: 'actions' }, h('h2', { id: 'act-h' }, 'Actions')),
  result: h('p', { id: 'action-result', role: 'status', 'aria-live': 'polite' }),
  application: h('div'),
  rollout: h('div'),
  signals: h(
    'section',
    { 'aria-labelledby': 'sig-h', id: 'signals' },
    h('h2', { id: 'sig-h' }, 'Golden signals by revision'),
  ),
  analysis: h('div'),
  timeline: h('div'),
};
const buttons = new Map<ActionName, { button: HTMLButtonElement; reason: HTMLElement }>();
const actionList = h('div', { class: 'action-list' });
slots.actions.append(actionList, slots.result);

function layout(): void {
  root.replaceChildren(
    slots.error,
    h(
      'div',
      { class: 'grid' },
      h('div', { class: 'col' }, slots.actions, slots.application, slots.rollout, slots.timeline),
      h('div', { class: 'col' }, slots.analysis, slots.signals),
    ),
  );
  root.setAttribute('aria-busy', 'false');
}

function hashRoles(): Map<string, string> {
  return new Map(
    (state.entry?.view.revisions ?? []).map((r) => [
      r.podTemplateHash,
      r.markers.join('+') || `revision ${r.revision}`,
    ]),
  );
}

function renderActions(list: readonly ActionState[]): void {
  for (const a of list) {
    let slot = buttons.get(a.name);
    if (!slot) {
      const reasonId = `reason-${a.name}`;
      const button = h('button', { type: 'button', 'data-action': a.name, 'aria-describedby': reasonId }, a.label);
      const reason = h('span', { class: 'reason', id: reasonId });
      button.addEventListener('click', () => void runAction(a.name));
      actionList.append(h('div', { class: 'action' }, button, reason));
      slot = { button, reason };
      buttons.set(a.name, slot);
    }
    slot.button.textContent = a.label;
    // aria-disabled (not disabled): the button stays focusable, so a keyboard user reaches the reason.
    slot.button.setAttribute('aria-disabled', a.disabledReason ? 'true' : 'false');
    slot.button.dataset.confirm = a.confirm;
    slot.reason.textContent = a.disabledReason ?? a.note ?? '';
    slot.reason.className = a.disabledReason ? 'reason disabled' : 'reason';
  }
}

function currentActions(): ActionState[] {
  return actions({
    ...(state.entry ? { rollout: state.entry.rollout } : {}),
    revisions: state.entry?.view.revisions.length ?? 0,
    runs: state.runs,
    ...(state.app ? { app: state.app } : {}),
  });
}

let firstRender = false;
function render(): void {
  slots.error.textContent = state.error ?? '';
  renderActions(currentActions());
  slots.application.replaceChildren(
    applicationSection(
      state.app,
      state.diff,
      state.error ? undefined : 'no Application (the engine runs a working-tree folder)',
    ),
  );
  slots.rollout.replaceChildren(rolloutSection(state.entry, undefined));
  slots.analysis.replaceChildren(analysisSection(state.runs, hashRoles()));
  slots.timeline.replaceChildren(
    timelineSection(
      [
        ...timeline({
          ...(state.entry ? { rollout: state.entry.rollout } : {}),
          ...(state.app ? { app: state.app } : {}),
          runs: state.runs,
          replicaSets: state.replicaSets,
          events: state.events,
        }),
        ...state.switches.map((s) => ({ at: new Date(s.at * 1000).toISOString(), what: 'switched', detail: s.label })),
      ].sort((a, b) => b.at.localeCompare(a.at)),
      state.alerts as never,
    ),
  );
  if (!firstRender && state.entry) {
    firstRender = true;
    performance.mark('quickship:first-render');
    document.body.dataset.rendered = 'true';
  }
}

function noteSwitch(): void {
  const active = (state.entry?.rollout.status?.blueGreen as { activeSelector?: string } | undefined)?.activeSelector;
  if (active && state.lastActive && active !== state.lastActive) {
    state.switches.push({ at: Date.now() / 1000, label: `active → ${active}` });
    sessionStorage.setItem('quickship-switches', JSON.stringify(state.switches.slice(-20)));
  }
  if (active) state.lastActive = active;
}

async function load(): Promise<void> {
  try {
    // All reads start at once; the Rollout renders as soon as it arrives (first meaningful render).
    const others = Promise.all([
      getJson<{ items: Obj[] }>('/api/v1/applications').catch(() => ({ items: [] as Obj[] })),
      getJson<{ items: Obj[] }>('/api/v1/objects?kind=AnalysisRun').catch(() => ({ items: [] as Obj[] })),
      getJson<{ items: Obj[] }>('/api/v1/objects?kind=ReplicaSet').catch(() => ({ items: [] as Obj[] })),
      getJson<{ items: Obj[] }>('/api/v1/objects?kind=Event').catch(() => ({ items: [] as Obj[] })),
    ]);
    others.catch(() => undefined);
    const rollouts = await getJson<{ items: RolloutEntry[] }>('/api/v1/rollouts');
    state.entry = rollouts.items[0];
    if (!firstRender) render();
    const [apps, runs, replicaSets, events] = await others;
    const name = state.entry?.view.name ?? 'payments';
    state.app =
      apps.items.find((a) =>
        (a.status?.resources as { kind?: string; name?: string }[] | undefined)?.some(
          (r) => r.kind === 'Rollout' && r.name === name,
        ),
      ) ?? apps.items.find((a) => a.metadata?.name === name);
    state.diff =
      state.app && (state.app.status?.sync as { status?: string } | undefined)?.status === 'OutOfSync'
        ? await getJson<{ diff: string }>(
            `/api/v1/applications/${encodeURIComponent(state.app.metadata!.name!)}/diff`,
          ).then(
            (d) => d.diff,
            (error: Error) => `(the diff could not be read: ${error.message})`,
          )
        : undefined;
    state.runs = runsOf(name, runs.items);
    state.replicaSets = replicaSets.items.filter((rs) => rs.metadata?.name?.startsWith(`${name}-`));
    // This Rollout's and its Application's Events.
    const appName = state.app?.metadata?.name;
    state.events = events.items.filter((e) => {
      const involved = (e as { involvedObject?: { kind?: string; name?: string } }).involvedObject;
      return (
        (involved?.kind === 'Rollout' && involved.name === name) ||
        (involved?.kind === 'Application' && involved.name === appName)
      );
    });
    state.error = undefined;
    noteSwitch();
  } catch (error) {
    state.error = `cannot read the engine: ${(error as Error).message}`;
  }
  render();
}

let pending: ReturnType<typeof setTimeout> | undefined;
function scheduleLoad(): void {
  if (pending) return;
  pending = setTimeout(() => {
    pending = undefined;
    void load();
  }, 250);
}

// Live updates. EventSource reconnects by itself after a dropped connection; a refused answer
// (the engine restarting) closes it, so it is reopened here, and every reopening reloads the state.
function live(path: string): void {
  let source: EventSource | undefined;
  const open = (): void => {
    source = new EventSource(path);
    source.onopen = () => {
      connection.textContent = 'live';
      connection.className = 'connection live';
      scheduleLoad();
    };
    source.onmessage = scheduleLoad;
    for (const type of ['ADDED', 'MODIFIED', 'DELETED', 'rollout']) source.addEventListener(type, scheduleLoad);
    source.onerror = () => {
      connection.textContent = 'reconnecting…';
      connection.className = 'connection reconnecting';
      if (source?.readyState === EventSource.CLOSED) setTimeout(open, 1500);
    };
  };
  open();
}

async function runAction(name: ActionName): Promise<void> {
  const action = currentActions().find((a) => a.name === name)!;
  if (action.disabledReason) {
    slots.result.textContent = `${action.label}: ${action.disabledReason}`;
    return;
  }
  if (!(await confirmDialog(action.label, action.confirm))) return;
  const rollout = state.entry?.view.name ?? 'payments';
  const app = state.app?.metadata?.name ?? '';
  // Where Argo CD has the same action, the console sends Argo CD's patch (the engine computes it
  // from the live Rollout, gitops/actions); Promote and Undo are the plugin's verbs (promotion waits
  // for the pre-promotion analysis), Sync and Rollback Argo CD's app operations — under auto-sync,
  // where Argo CD refuses a rollback, Rollback commits a revert of the last release instead.
  const argoAction = (action: string) => () =>
    postJson<{ message: string; patch: unknown }>(`/api/v1/rollouts/${rollout}/actions/${action}`, {}, token).then(
      (r) => ({ message: `${r.message}; Argo CD's patch ${JSON.stringify(r.patch)}` }),
    );
  const calls: Record<ActionName, () => Promise<{ message: string }>> = {
    promote: () => postJson(`/api/v1/rollouts/${rollout}/promote`, {}, token),
    'promote-full': argoAction('promote-full'),
    abort: argoAction('abort'),
    retry: argoAction('retry'),
    restart: argoAction('restart'),
    undo: () => postJson(`/api/v1/rollouts/${rollout}/undo`, {}, token),
    sync: () => postJson(`/api/v1/applications/${app}/sync`, {}, token),
    rollback: () => {
      if (autoSync(state.app)) return postJson(`/api/v1/applications/${app}/revert`, {}, token);
      const history = (state.app?.status?.history as { id: number }[] | undefined) ?? [];
      return postJson(`/api/v1/applications/${app}/rollback`, { id: history.at(-2)?.id ?? 0 }, token);
    },
  };
  slots.result.className = '';
  slots.result.textContent = `${action.label}…`;
  try {
    const result = await calls[name]();
    slots.result.className = 'ok';
    slots.result.textContent = `${action.label}: ${result.message}`;
  } catch (error) {
    slots.result.className = 'failed';
    slots.result.textContent = `${action.label} failed: ${(error as Error).message}${error instanceof ApiError && error.fix ? ` — ${error.fix}` : ''}`;
  }
  scheduleLoad();
}

function confirmDialog(title: string, text: string): Promise<boolean> {
  const dialog = document.getElementById('confirm') as HTMLDialogElement;
  document.getElementById('confirm-title')!.textContent = `${title}?`;
  document.getElementById('confirm-text')!.textContent = text;
  const ok = document.getElementById('confirm-ok') as HTMLButtonElement;
  const cancel = document.getElementById('confirm-cancel') as HTMLButtonElement;
  ok.textContent = title;
  return new Promise((resolve) => {
    const done = (answer: boolean): void => {
      ok.onclick = null;
      cancel.onclick = null;
      dialog.onclose = null;
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    ok.onclick = () => done(true);
    cancel.onclick = () => done(false);
    dialog.onclose = () => done(false); // Escape
    dialog.showModal();
    cancel.focus();
  });
}

// Golden signals: each dashboard panel's queries as Prometheus range queries over the last 15 minutes.
async function signals(): Promise<void> {
  state.config ??= await getJson<Config>('/console/v1/config').catch(() => undefined);
  const config = state.config;
  if (!config) return;
  const body: HTMLElement[] = [];
  if (!config.prometheus) {
    slots.signals.replaceChildren(
      slots.signals.firstChild!,
      h(
        'p',
        { class: 'missing' },
        'Prometheus not running: no golden signals (install prometheus and restart `npm start`).',
      ),
    );
    return;
  }
  const end = Math.floor(Date.now() / 1000);
  const start = end - 15 * 60;
  const step = Math.max(config.scrapeIntervalSeconds, 5);
  const roles = hashRoles();
  const charts: { box: HTMLElement; panel: Panel; series: ChartSeries[] }[] = [];
  await Promise.all(
    config.panels.map(async (panel) => {
      const series: ChartSeries[] = [];
      for (const target of panel.targets) {
        const query = substituteGrafana(target.expr, step, config.scrapeIntervalSeconds);
        const q = new URLSearchParams({ query, start: String(start), end: String(end), step: String(step) });
        const answer = await getJson<{
          data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
        }>(`/prometheus/api/v1/query_range?${q}`).catch(() => undefined);
        for (const r of answer?.data.result ?? []) {
          const hash = r.metric.rollouts_pod_template_hash ?? '';
          const legend = target.legend.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, k: string) => r.metric[k] ?? '');
          series.push({
            label: `${legend}${roles.get(hash) ? ` (${roles.get(hash)})` : ''}`,
            points: r.values.map(([t, v]) => [t, Number.isFinite(Number(v)) ? Number(v) : null] as const),
          });
        }
      }
      const box = h('div', { class: 'chart', 'data-panel': panel.title, 'aria-label': panel.title });
      charts.push({ box, panel, series });
    }),
  );
  charts.sort((a, b) => config.panels.indexOf(a.panel) - config.panels.indexOf(b.panel));
  for (const c of charts)
    body.push(
      c.series.length === 0
        ? h(
            'div',
            { class: 'chart empty', 'data-panel': c.panel.title },
            h('h3', {}, c.panel.title),
            h('p', { class: 'muted' }, 'no samples yet'),
          )
        : c.box,
    );
  slots.signals.replaceChildren(slots.signals.firstChild!, ...body);
  for (const c of charts)
    if (c.series.length > 0)
      drawChart(c.box, {
        title: c.panel.title,
        unit: c.panel.unit,
        series: c.series,
        marks: state.switches.filter((s) => s.at >= start),
      });
  document.body.dataset.signals = String(charts.filter((c) => c.series.length > 0).length);
}

async function alerts(): Promise<void> {
  try {
    const answer = await getJson<{ data: { alerts: unknown[] } }>('/prometheus/api/v1/alerts');
    state.alerts = answer.data.alerts;
  } catch (error) {
    state.alerts =
      error instanceof ApiError && error.status === 503
        ? error.message
        : `alerts unavailable: ${(error as Error).message}`;
  }
}

async function start(): Promise<void> {
  layout();
  live('/api/v1/watch');
  live('/api/v1/events');
  await load();
  state.config = await getJson<Config>('/console/v1/config').catch(() => undefined);
  const poll = async (): Promise<void> => {
    await Promise.all([signals(), alerts()]);
    render();
    setTimeout(() => void poll(), 5000);
  };
  void poll();
}

void start();
