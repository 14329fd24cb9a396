// The local Argo CD application controller against a real Git repository, a real store and real
// Job processes: app of apps, PreSync hooks, auto-sync per commit, drift and self-heal, other
// managers' fields, ignoreDifferences, prune, ComparisonError, a failed hook.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ObjectStore } from '../store/object-store.ts';
import type { KubeObject } from '../store/object.ts';
import { JobController } from '../engine/job-controller.ts';
import { AppController, type AppControllerDeps, type HookContext } from './app-controller.ts';
import type { ApplicationStatus } from './app-status.ts';
import { argoHealth } from './health-assessor.ts';
import { RepoResolver } from './repos.ts';
import { createTestRepo, type TestRepo } from './testing/git-repo.ts';
import { hostLauncher } from './testing/host-launcher.ts';

const ROOT = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: root, namespace: argocd }
spec:
  project: default
  source: { repoURL: https://git.example/demo.git, targetRevision: main, path: deploy/argocd, directory: { recurse: true } }
  destination: { server: https://kubernetes.default.svc, namespace: argocd }
  syncPolicy: { automated: { prune: true, selfHeal: true } }
`;
const APP = (extra = '') => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: demo, namespace: argocd }
spec:
  project: default
  source: { repoURL: https://git.example/demo.git, targetRevision: main, path: deploy/apps/demo }
  destination: { server: https://kubernetes.default.svc, namespace: demo }
  ignoreDifferences:
    - { group: "", kind: ConfigMap, name: settings, jsonPointers: [/data/replicas] }
  syncPolicy:
    automated: { prune: true, selfHeal: true }
    syncOptions: [ServerSideApply=true, RespectIgnoreDifferences=true, PruneLast=true]
${extra}`;
const CONFIGMAP = (value: string) => `apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
data: { greeting: "${value}", replicas: "1" }
`;
const SERVICE = `apiVersion: v1
kind: Service
metadata: { name: web }
spec: { type: ClusterIP, selector: { app: web }, ports: [{ port: 80, targetPort: 3000 }] }
`;
const HOOK = (code: number) => `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations: { argocd.argoproj.io/hook: PreSync, argocd.argoproj.io/hook-delete-policy: BeforeHookCreation }
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: migrate, image: demo:1, command: [node, -e, "process.exit(${code})"] }]
`;

let stop: (() => void)[] = [];
afterEach(() => {
  for (const s of stop) s();
  stop = [];
});

function start(
  repo: TestRepo,
  beforeHook?: AppControllerDeps['beforeHook'],
): { store: ObjectStore; apps: AppController } {
  const store = new ObjectStore();
  const jobs = new JobController(store, hostLauncher, (namespace) => ({
    namespace,
    configMaps: new Map(),
    secrets: new Map(),
    builtIns: {},
  }));
  jobs.start();
  const apps = new AppController({
    store,
    repos: new RepoResolver(repo.dir),
    health: argoHealth,
    localKinds: new Set(['batch/Job', '/Service', '/ConfigMap']),
    ...(beforeHook ? { beforeHook } : {}),
  });
  const root = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'root', namespace: 'argocd' },
    spec: {
      project: 'default',
      source: {
        repoURL: 'https://git.example/demo.git',
        targetRevision: 'main',
        path: 'deploy/argocd',
        directory: { recurse: true },
      },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  } as KubeObject;
  store.apply(root, 'terraform');
  apps.start(50);
  stop.push(
    () => apps.stop(),
    () => jobs.stop(),
  );
  return { store, apps };
}

const appStatus = (store: ObjectStore, name = 'demo'): ApplicationStatus | undefined =>
  store.get({ group: 'argoproj.io', kind: 'Application', namespace: 'argocd', name })?.status as
    ApplicationStatus | undefined;
const configMap = (store: ObjectStore): KubeObject | undefined =>
  store.get({ kind: 'ConfigMap', namespace: 'demo', name: 'settings' });

async function until<T>(what: string, probe: () => T | undefined | false, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function fixture(repo: TestRepo, hookExit = 0): string {
  repo.write('deploy/argocd/root.yaml', ROOT);
  repo.write('deploy/argocd/apps/demo.yaml', APP());
  repo.write('deploy/apps/demo/configmap.yaml', CONFIGMAP('hello'));
  repo.write('deploy/apps/demo/service.yaml', SERVICE);
  repo.write('deploy/apps/demo/migrate-job.yaml', HOOK(hookExit));
  return repo.commit('first release');
}

describe('the application controller', () => {
  it('syncs the app of apps from the commit, runs the PreSync hook first, and reports Synced/Healthy', async () => {
    const repo = createTestRepo();
    const commit = fixture(repo);
    const { store } = start(repo);
    const status = await until('demo Synced', () => {
      const s = appStatus(store);
      return s?.sync.status === 'Synced' && s.operationState?.phase === 'Succeeded' && s;
    });
    expect(status.sync.revision).toBe(commit);
    expect(status.revisionSubject).toBe('first release');
    expect(status.health.status).toBe('Healthy');
    expect(configMap(store)?.data).toEqual({ greeting: 'hello', replicas: '1' });
    const hook = status.operationState?.syncResult.resources.find((r) => r.hookType === 'PreSync');
    expect(hook).toMatchObject({ kind: 'Job', name: 'migrate', hookPhase: 'Succeeded' });
    expect(store.get({ group: 'batch', kind: 'Job', namespace: 'demo', name: 'migrate' })?.status).toMatchObject({
      succeeded: 1,
    });
    expect(status.history?.map((h) => h.revision)).toEqual([commit]);
  });

  it('syncs a new commit, heals drift at once, keeps other managers fields and ignored paths, prunes', async () => {
    const repo = createTestRepo();
    fixture(repo);
    const { store } = start(repo);
    await until(
      'first sync',
      () => appStatus(store)?.sync.status === 'Synced' && appStatus(store)?.operationState?.phase === 'Succeeded',
    );

    const second =
      (repo.write('deploy/apps/demo/configmap.yaml', CONFIGMAP('bonjour')), repo.commit('greeting in French'));
    await until(
      'second commit synced',
      () =>
        appStatus(store)?.sync.revision === second &&
        (configMap(store)?.data as Record<string, string> | undefined)?.greeting === 'bonjour',
    );

    // Drift on a field Git sets: reverted by self-heal (first heal at once). A heal is a whole sync
    // operation, so the PreSync hook runs again first, as it does in Argo CD.
    const before = Date.now();
    store.patch(
      { kind: 'ConfigMap', namespace: 'demo', name: 'settings' },
      { data: { greeting: 'hacked' } },
      'kubectl',
    );
    await until(
      'drift healed',
      () => (configMap(store)?.data as Record<string, string> | undefined)?.greeting === 'bonjour',
    );
    expect(Date.now() - before).toBeLessThan(8000);
    const healed = appStatus(store)?.operationState;
    expect(healed?.operation.initiatedBy.automated).toBe(true);
    expect(healed?.syncResult.resources.find((r) => r.hookType === 'PreSync')?.hookPhase).toBe('Succeeded');

    // A field only another manager sets, and a field the app ignores: not drift, never reverted.
    store.patch(
      { kind: 'ConfigMap', namespace: 'demo', name: 'settings' },
      { metadata: { annotations: { 'restarted-at': 'now' } }, data: { replicas: '5' } },
      'kubectl',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(appStatus(store)?.sync.status).toBe('Synced');
    expect(configMap(store)?.metadata.annotations?.['restarted-at']).toBe('now');
    expect((configMap(store)?.data as Record<string, string>).replicas).toBe('5');

    // A file removed from Git: pruned (prune: true).
    repo.remove('deploy/apps/demo/service.yaml');
    repo.commit('no service');
    await until('service pruned', () => !store.get({ kind: 'Service', namespace: 'demo', name: 'web' }));
    expect(appStatus(store)?.operationState?.syncResult.resources.find((r) => r.kind === 'Service')?.status).toBe(
      'Pruned',
    );
  });

  it('reports a commit that does not parse as ComparisonError and changes nothing live', async () => {
    const repo = createTestRepo();
    fixture(repo);
    const { store } = start(repo);
    await until('first sync', () => appStatus(store)?.operationState?.phase === 'Succeeded');
    const version = configMap(store)?.metadata.resourceVersion;
    repo.write('deploy/apps/demo/configmap.yaml', 'data: [this is: not yaml\n');
    repo.commit('broken');
    const status = await until(
      'ComparisonError',
      () => appStatus(store)?.conditions?.[0]?.type === 'ComparisonError' && appStatus(store),
    );
    expect(status.conditions?.[0]?.message).toMatch(/configmap\.yaml/);
    expect(status.sync.status).toBe('Unknown');
    expect(configMap(store)?.metadata.resourceVersion).toBe(version);
  });

  it('fails the sync when the PreSync hook fails, applies nothing else, and does not retry that commit', async () => {
    const repo = createTestRepo();
    fixture(repo, 1);
    const { store } = start(repo);
    const status = await until(
      'sync failed',
      () => appStatus(store)?.operationState?.phase === 'Failed' && appStatus(store),
    );
    expect(status.operationState?.message).toMatch(/migrate/);
    expect(configMap(store)).toBeUndefined();
    const finished = status.operationState?.finishedAt;
    await new Promise((r) => setTimeout(r, 400));
    expect(appStatus(store)?.operationState?.finishedAt).toBe(finished); // no new attempt of the same commit

    repo.write('deploy/apps/demo/migrate-job.yaml', HOOK(0));
    const fixed = repo.commit('fix the migration');
    await until(
      'fixed commit synced',
      () => appStatus(store)?.operationState?.phase === 'Succeeded' && appStatus(store)?.sync.revision === fixed,
    );
    expect(configMap(store)).toBeDefined();
  });

  it('asks the beforeHook policy before creating a hook: a refusal fails the sync without retry, creates nothing', async () => {
    const repo = createTestRepo();
    repo.write('deploy/argocd/root.yaml', ROOT);
    // retry is set: a hook that fails is retried, a refusal by the policy is not (a verdict on the commit).
    repo.write('deploy/argocd/apps/demo.yaml', APP('    retry: { limit: 3, backoff: { duration: 1s } }\n'));
    repo.write('deploy/apps/demo/configmap.yaml', CONFIGMAP('hello'));
    repo.write('deploy/apps/demo/migrate-job.yaml', HOOK(0));
    const first = repo.commit('first release');
    const asked: (HookContext & { image: string })[] = [];
    const policy = async (hook: KubeObject, context: HookContext): Promise<void> => {
      const image = (hook.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec
        .containers[0]!.image;
      asked.push({ ...context, image });
      await new Promise((r) => setTimeout(r, 300)); // the hook must wait for the verdict
      if (image.endsWith(':bad')) throw new Error(`policy refused ${image}: rule X`);
    };
    const { store } = start(repo, policy);
    await until(
      'first sync',
      () => appStatus(store)?.operationState?.phase === 'Succeeded' && appStatus(store)?.sync.revision === first,
    );
    expect(asked).toEqual([{ app: 'demo', revision: first, phase: 'PreSync', image: 'demo:1' }]);
    const job = () => store.get({ group: 'batch', kind: 'Job', namespace: 'demo', name: 'migrate' });
    const uid = job()?.metadata.uid;

    repo.write('deploy/apps/demo/migrate-job.yaml', HOOK(0).replace('demo:1', 'demo:bad'));
    repo.write('deploy/apps/demo/configmap.yaml', CONFIGMAP('bonjour'));
    const bad = repo.commit('a refused release');
    const status = await until(
      'sync refused',
      () =>
        appStatus(store)?.operationState?.phase === 'Failed' &&
        appStatus(store)?.operationState?.syncResult.revision === bad &&
        appStatus(store),
    );
    expect(status.operationState?.message).toMatch(/reason: Job\/migrate not run: policy refused demo:bad: rule X$/);
    expect(status.operationState?.retryCount).toBeUndefined();
    expect(status.operationState?.syncResult.resources.find((r) => r.hookType === 'PreSync')).toMatchObject({
      hookPhase: 'Failed',
      status: 'SyncFailed',
    });
    // The old Job was neither replaced nor taken for this sync's hook; nothing of the commit applied.
    expect(job()?.metadata.uid).toBe(uid);
    expect((configMap(store)?.data as Record<string, string>).greeting).toBe('hello');
    await new Promise((r) => setTimeout(r, 1500));
    expect(asked.filter((a) => a.revision === bad)).toHaveLength(1);
  });

  it('shows uncommitted changes under the path as not deployed', async () => {
    const repo = createTestRepo();
    fixture(repo);
    const { store } = start(repo);
    await until('first sync', () => appStatus(store)?.operationState?.phase === 'Succeeded');
    repo.write('deploy/apps/demo/configmap.yaml', CONFIGMAP('uncommitted'));
    const status = await until(
      'note',
      () => appStatus(store)?.localNotes?.some((n) => n.startsWith('not deployed: uncommitted')) && appStatus(store),
    );
    expect(status.localNotes?.join('\n')).toMatch(/configmap\.yaml/);
    expect((configMap(store)?.data as Record<string, string>).greeting).toBe('hello');
  });

  it('compares again when only the ignore rules change: a field they stop ignoring is drift, and healed', async () => {
    // The app pins a tag, so a commit on main that edits only its Application (through the app of
    // apps) leaves its desired objects as they were: the diff of each is kept between comparisons
    // (app-controller.ts `diffs`), and must not be reused under other ignore rules.
    const repo = createTestRepo();
    const pinned = (ignore: boolean) => {
      const app = APP().replace(
        'targetRevision: main, path: deploy/apps/demo',
        'targetRevision: v1, path: deploy/apps/demo',
      );
      return ignore ? app : app.replace(/ {2}ignoreDifferences:\n.*\n/, '');
    };
    fixture(repo);
    repo.write('deploy/argocd/apps/demo.yaml', pinned(true));
    repo.commit('pin demo to v1');
    repo.git('tag', 'v1');
    const { store } = start(repo);
    await until('first sync', () => appStatus(store)?.sync.status === 'Synced' && configMap(store));

    store.patch({ kind: 'ConfigMap', namespace: 'demo', name: 'settings' }, { data: { replicas: '5' } }, 'kubectl');
    await new Promise((r) => setTimeout(r, 300));
    expect(appStatus(store)?.sync.status).toBe('Synced');
    expect((configMap(store)?.data as Record<string, string>).replicas).toBe('5');

    expect(pinned(false)).not.toMatch(/ignoreDifferences/);
    repo.write('deploy/argocd/apps/demo.yaml', pinned(false));
    repo.commit('demo: stop ignoring data.replicas');
    await until(
      'replicas healed to what v1 says',
      () => (configMap(store)?.data as Record<string, string> | undefined)?.replicas === '1',
    );
    expect(appStatus(store)?.sync.revision).toBe(repo.git('rev-parse', 'v1^{commit}'));
  });

  it('reacts to live changes after the writer returns, a burst of writes as one reconcile', async () => {
    const repo = createTestRepo();
    fixture(repo);
    const { store, apps } = start(repo);
    await until('first sync', () => appStatus(store)?.operationState?.phase === 'Succeeded' && configMap(store));
    await new Promise((r) => setTimeout(r, 200));
    const reconcile = vi.spyOn(apps, 'reconcile');
    const fromWatch = () => reconcile.mock.calls.filter(([name, readGit]) => name === 'demo' && readGit === false);
    for (let i = 0; i < 50; i++)
      store.patch(
        { kind: 'ConfigMap', namespace: 'demo', name: 'settings' },
        { data: { note: `write ${i}` } },
        'kubectl',
      );
    expect(fromWatch()).toHaveLength(0); // nothing ran inside the writes
    await new Promise((r) => setImmediate(r));
    expect(fromWatch()).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(fromWatch()).toHaveLength(1);
  });
});
