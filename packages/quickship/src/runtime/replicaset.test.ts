import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EndpointTable } from './endpoints.ts';
import { LocalRegistry } from './registry.ts';
import { formatTransition, ReplicaSet, type ReplicaSetOptions, type TargetTransition } from './replicaset.ts';
import { ServiceRouter } from './router.ts';
import { scaleDownOrder } from './scale-down.ts';
import { fixtureContainer, fixtureImages, removeTempDirs, tempDir, waitFor } from './test-fixtures/fixture-image.ts';

afterAll(removeTempDirs);

const replicaSets: ReplicaSet[] = [];
const routers: ServiceRouter[] = [];
afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close(1000)));
  await Promise.all(replicaSets.splice(0).map((rs) => rs.shutdown()));
});

function replicaSet(
  hash: string,
  endpoints: EndpointTable,
  overrides: Partial<ReplicaSetOptions> = {},
): { rs: ReplicaSet; transitions: TargetTransition[] } {
  const transitions: TargetTransition[] = [];
  const rs = new ReplicaSet({
    rolloutName: 'payments',
    podTemplateHash: hash,
    container: fixtureContainer(),
    terminationGracePeriodSeconds: 5,
    env: { APP_VERSION: hash },
    images: fixtureImages,
    endpoints,
    logDir: tempDir('rs-logs'),
    backoff: { initialSeconds: 0.2, maxSeconds: 1, resetAfterSeconds: 60 },
    minimumGracePeriodSeconds: 0.2,
    onTransition: (t) => transitions.push(t),
    ...overrides,
  });
  replicaSets.push(rs);
  return { rs, transitions };
}

describe('scaleDownOrder', () => {
  it('deletes unstarted, then not ready, then ready for less time, then more restarts, then newest', () => {
    const base = { started: true, ready: true, readySinceMs: 100, restarts: 0, createdAtMs: 10 };
    const order = scaleDownOrder([
      { ...base, name: 'old-ready' },
      { ...base, name: 'newer-ready', createdAtMs: 20 },
      { ...base, name: 'ready-recently', readySinceMs: 500 },
      { ...base, name: 'restarted', restarts: 3 },
      { ...base, name: 'not-ready', ready: false },
      { ...base, name: 'unstarted', started: false, ready: false },
    ]);
    expect(order.map((c) => c.name)).toEqual([
      'unstarted',
      'not-ready',
      'ready-recently',
      'restarted',
      'newer-ready',
      'old-ready',
    ]);
  });
});

describe('ReplicaSet', () => {
  it('keeps N instances, publishes endpoints, logs transitions, and scales down not-ready first', async () => {
    const endpoints = new EndpointTable();
    const { rs, transitions } = replicaSet('aaa', endpoints);
    rs.scale(3);
    await waitFor(() => rs.observation().readyReplicas === 3, 8000, 'three ready');
    expect(rs.observation()).toEqual({ podTemplateHash: 'aaa', replicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(endpoints.serving('aaa')).toHaveLength(3);
    expect(new Set(rs.instances().map((i) => i.port)).size).toBe(3);
    for (const instance of rs.instances()) {
      expect(instance.name).toMatch(/^payments-aaa-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(transitions.filter((t) => t.instance === instance.name).map((t) => `${t.from ?? 'new'}->${t.to}`)).toEqual(
        ['new->Adding', 'Adding->Healthy'],
      );
    }
    expect(formatTransition(transitions[0] as TargetTransition)).toMatch(
      /payments-aaa payments-aaa-\w{5}: new -> Adding/,
    );

    const sick = rs.instances()[1];
    await fetch(`http://127.0.0.1:${sick?.port}/admin/ready?value=0`);
    await waitFor(() => rs.observation().readyReplicas === 2, 5000, 'one not ready');
    expect(transitions.some((t) => t.instance === sick?.name && t.to === 'Unhealthy')).toBe(true);
    rs.scale(2);
    expect(rs.instances().find((i) => i.name === sick?.name)?.state).toBe('Terminating');
    expect(rs.observation().replicas).toBe(2);
    await rs.settled();
    expect(rs.instances().map((i) => i.name)).not.toContain(sick?.name);
    expect(transitions.some((t) => t.instance === sick?.name && t.to === 'Draining')).toBe(true);
    expect(endpoints.get(sick?.name ?? '')).toBeUndefined();
  });

  it('reports ErrImagePull and InvalidImageName from the local registry', async () => {
    const endpoints = new EndpointTable();
    const images = new LocalRegistry({ repoDir: tempDir('empty-repo') });
    const { rs: missing } = replicaSet('bbb', endpoints, {
      images,
      container: fixtureContainer({ image: 'payments:nope' }),
    });
    const { rs: invalid } = replicaSet('ccc', endpoints, {
      images,
      container: fixtureContainer({ image: 'Payments:Bad Tag' }),
    });
    missing.scale(1);
    invalid.scale(1);
    const pull = await waitFor(() => missing.instances().find((i) => i.state === 'ErrImagePull'), 3000, 'ErrImagePull');
    expect(pull.message).toContain('quickship build --tag nope');
    const name = await waitFor(
      () => invalid.instances().find((i) => i.state === 'InvalidImageName'),
      3000,
      'InvalidImageName',
    );
    expect(name.message).toContain('InvalidImageName: "Payments:Bad Tag"');
    expect(missing.observation().readyReplicas + invalid.observation().readyReplicas).toBe(0);
  });
});

describe('blue/green through the runtime', () => {
  it('switches the active Service and drains the old ReplicaSet with zero failed requests', async () => {
    const endpoints = new EndpointTable();
    const drain = {
      container: fixtureContainer({ preStop: { kind: 'sleep' as const, seconds: 0.2 } }),
      env: { FIXTURE_SHUTDOWN_DELAY_MS: '100' },
    };
    const { rs: blue } = replicaSet('blue', endpoints, { ...drain, env: { ...drain.env, APP_VERSION: 'blue' } });
    const { rs: green } = replicaSet('green', endpoints, { ...drain, env: { ...drain.env, APP_VERSION: 'green' } });
    blue.scale(2);
    green.scale(2);
    const router = new ServiceRouter({ name: 'payments-active', endpoints, port: 0, selector: 'blue' });
    routers.push(router);
    const { port } = await router.listen();
    await waitFor(
      () => blue.observation().readyReplicas === 2 && green.observation().readyReplicas === 2,
      8000,
      'both ReplicaSets ready',
    );

    let stop = false;
    const statuses: number[] = [];
    const revisions = new Set<string>();
    const worker = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', body: `${n}-${i}` });
        statuses.push(res.status);
        revisions.add(String(res.headers.get('x-quickship-revision')));
        await res.text();
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, (_, n) => worker(n)));
    await waitFor(() => statuses.length >= 30, 10_000, 'load before the switch');
    router.setSelector('green');
    blue.scale(0); // like scaleDownDelaySeconds: 0 — the old ReplicaSet drains right after the switch
    await blue.settled();
    const afterDrain = statuses.length;
    await waitFor(() => statuses.length >= afterDrain + 30, 10_000, 'load after the drain');
    stop = true;
    await load;
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect([...revisions].sort()).toEqual(['blue', 'green']);
    expect(router.stats()).toMatchObject({ noEndpoints: 0, upstreamErrors: 0 });
  });

  it('keeps serving through a kill -9 of one of two instances, then restarts it', async () => {
    const endpoints = new EndpointTable();
    const { rs } = replicaSet('solo', endpoints);
    rs.scale(2);
    const router = new ServiceRouter({ name: 'payments-active', endpoints, port: 0, selector: 'solo' });
    routers.push(router);
    const { port } = await router.listen();
    await waitFor(() => rs.observation().readyReplicas === 2, 8000, 'two ready');
    let stop = false;
    const statuses: number[] = [];
    const worker = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const init =
          i % 2 === 0 ? {} : { method: 'POST', body: `${n}-${i}`, headers: { 'Idempotency-Key': `k-${n}-${i}` } };
        const res = await fetch(`http://127.0.0.1:${port}/${i % 2 === 0 ? 'whoami' : 'echo'}`, init);
        statuses.push(res.status);
        await res.text();
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, (_, n) => worker(n)));
    await waitFor(() => statuses.length >= 30, 10_000, 'load');
    const victim = rs.instances()[0];
    process.kill(victim?.pid ?? 0, 'SIGKILL');
    await waitFor(() => rs.instances().find((i) => i.name === victim?.name)?.restarts === 1, 5000, 'restart counted');
    await waitFor(() => rs.observation().readyReplicas === 2, 8000, 'back to two ready');
    const sofar = statuses.length;
    await waitFor(() => statuses.length >= sofar + 20, 10_000, 'load after the restart');
    stop = true;
    await load;
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });
});
