import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { InstanceStatus } from '../model.ts';
import { Instance, type InstanceOptions } from './instance.ts';
import {
  fastProbe,
  fixtureContainer,
  fixtureImages,
  removeTempDirs,
  tempDir,
  waitFor,
} from './test-fixtures/fixture-image.ts';

afterAll(removeTempDirs);

const started: Instance[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((instance) => instance.terminate('test over')));
});

interface Recorded {
  readonly instance: Instance;
  readonly changes: { readonly at: number; readonly status: InstanceStatus }[];
}

function run(overrides: Partial<InstanceOptions> = {}, env: Record<string, string> = {}): Recorded {
  const changes: Recorded['changes'] = [];
  const instance = new Instance({
    name: `fixture-abc-${started.length}`,
    podTemplateHash: 'abc',
    container: fixtureContainer(),
    terminationGracePeriodSeconds: 5,
    env,
    images: fixtureImages,
    logDir: tempDir('instance-logs'),
    backoff: { initialSeconds: 0.2, maxSeconds: 0.8, resetAfterSeconds: 60 },
    minimumGracePeriodSeconds: 0.1,
    ...overrides,
    onChange: (status) => changes.push({ at: Date.now(), status }),
  });
  started.push(instance);
  instance.start();
  return { instance, changes };
}

async function get(port: number, path: string): Promise<unknown> {
  return (await fetch(`http://127.0.0.1:${port}${path}`)).json();
}

function events(logFile: string): string[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .map((line) => (line.startsWith('event ') ? line.split(' ')[1] : line.match(/^\[quickship [^\]]+\] (\w+)/)?.[1]))
    .filter((name): name is string => name !== undefined);
}

describe('Instance probes', () => {
  it('is Pending until the readiness probe passes, then follows it both ways', async () => {
    const { instance, changes } = run({}, { FIXTURE_READY_AFTER_MS: '300' });
    expect(instance.status().ready).toBe(false);
    const ready = await waitFor(() => changes.find((c) => c.status.ready), 5000, 'ready');
    expect(ready.status.state).toBe('Running');
    expect(changes.some((c) => c.status.state === 'Pending' && c.status.pid !== undefined)).toBe(true);
    const port = instance.status().port ?? 0;
    expect(await get(port, '/whoami')).toMatchObject({ name: instance.name, port });

    await get(port, '/admin/ready?value=0');
    await waitFor(() => !instance.status().ready, 3000, 'not ready');
    expect(instance.status()).toMatchObject({ state: 'Running', ready: false, restarts: 0 });
    expect(instance.status().message).toContain('Readiness probe failed: HTTP probe failed with statuscode: 503');
    await get(port, '/admin/ready?value=1');
    await waitFor(() => instance.status().ready, 3000, 'ready again');
  });

  it('gates readiness and liveness on the startup probe', async () => {
    const container = fixtureContainer({
      startupProbe: fastProbe('/readyz', { failureThreshold: 100 }),
      readinessProbe: fastProbe('/whoami'),
      // Would kill the process at once if it ran before startup succeeded.
      livenessProbe: fastProbe('/readyz', { failureThreshold: 1 }),
    });
    const t0 = Date.now();
    const { instance, changes } = run({ container }, { FIXTURE_READY_AFTER_MS: '600' });
    await waitFor(() => instance.status().ready, 5000, 'ready');
    const firstReady = changes.find((c) => c.status.ready)?.at ?? 0;
    expect(firstReady - t0).toBeGreaterThanOrEqual(550);
    expect(instance.status().restarts).toBe(0);
  });

  it('restarts the container when the startup probe gives up', async () => {
    const container = fixtureContainer({ startupProbe: fastProbe('/readyz', { failureThreshold: 3 }) });
    const { instance } = run({ container }, { FIXTURE_NEVER_READY: '1' });
    await waitFor(() => instance.status().restarts >= 1, 5000, 'a restart');
    expect(readFileSync(instance.logFile, 'utf8')).toContain('Startup probe failed');
    expect(instance.status().ready).toBe(false);
  });

  // Liveness is gated by a startup probe here so that a slow process start on a busy machine is
  // not itself a liveness failure (what startupProbe is for).
  it('restarts the container when liveness fails, and counts the restart', async () => {
    const container = fixtureContainer({
      startupProbe: fastProbe('/readyz', { failureThreshold: 100 }),
      livenessProbe: fastProbe('/healthz'),
    });
    const { instance, changes } = run({ container });
    await waitFor(() => instance.status().ready, 5000, 'ready');
    const firstPid = instance.status().pid;
    await fetch(`http://127.0.0.1:${instance.status().port}/admin/live?value=0`);
    await waitFor(() => instance.status().restarts >= 1, 5000, 'a liveness restart');
    const backoff = changes.find((c) => c.status.state === 'CrashLoopBackOff');
    expect(backoff?.status.message).toMatch(/Liveness probe failed: HTTP probe failed with statuscode: 500/);
    await waitFor(() => instance.status().ready && instance.status().pid !== firstPid, 5000, 'ready in a new process');
    expect(events(instance.logFile)).toEqual(expect.arrayContaining(['sigterm']));
    expect(instance.status().restarts).toBe(1);
  });

  it('fails a probe that does not answer within timeoutSeconds', async () => {
    const container = fixtureContainer({
      startupProbe: fastProbe('/readyz', { failureThreshold: 100 }),
      livenessProbe: fastProbe('/healthz', { timeoutSeconds: 0.1 }),
    });
    const { instance } = run({ container }, { FIXTURE_HANG_HEALTHZ: '1' });
    await waitFor(() => instance.status().restarts >= 1, 5000, 'a liveness restart');
    expect(readFileSync(instance.logFile, 'utf8')).toContain('Liveness probe failed: Get "http://127.0.0.1:');
    expect(readFileSync(instance.logFile, 'utf8')).toContain('context deadline exceeded (timeout 0.1s)');
  });
});

describe('Instance CrashLoopBackOff', () => {
  it('restarts a crashing process with a growing back-off and counts restarts', async () => {
    const { instance, changes } = run({}, { FIXTURE_CRASH_AFTER_MS: '30' });
    await waitFor(() => instance.status().restarts >= 4, 8000, 'four restarts');
    const backoffs = changes.filter((c) => c.status.state === 'CrashLoopBackOff').map((c) => c.status.message ?? '');
    expect(backoffs.slice(0, 4).map((m) => m.match(/back-off ([\d.]+)s/)?.[1])).toEqual(['0.2', '0.4', '0.8', '0.8']);
    expect(backoffs[0]).toContain('exited with code 3');
    // The waits really happen: each restart starts at least its back-off after the crash.
    const gaps: number[] = [];
    changes.forEach((c, i) => {
      if (c.status.state !== 'CrashLoopBackOff') return;
      const next = changes.slice(i + 1).find((n) => n.status.state === 'Pending');
      if (next) gaps.push(next.at - c.at);
    });
    expect(gaps[0]).toBeGreaterThanOrEqual(180);
    expect(gaps[1]).toBeGreaterThanOrEqual(380);
    expect(gaps[2]).toBeGreaterThanOrEqual(780);
    expect(instance.status().ready).toBe(false);
  });
});

describe('Instance termination', () => {
  it('leaves endpoints first, then runs preStop, then SIGTERM, and lets the process drain', async () => {
    const container = fixtureContainer({ preStop: { kind: 'httpGet', path: '/prestop', port: 8080 } });
    const { instance, changes } = run({ container }, { FIXTURE_SHUTDOWN_DELAY_MS: '200' });
    await waitFor(() => instance.status().ready, 5000, 'ready');
    const pid = instance.status().pid ?? 0;
    const t0 = Date.now();
    const done = instance.terminate('scale down');
    // Synchronously, before preStop has even been sent.
    expect(instance.status()).toMatchObject({ state: 'Terminating', ready: false });
    expect(changes.at(-1)?.status.state).toBe('Terminating');
    await done;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    const order = events(instance.logFile).filter((e) =>
      ['preStop', 'prestop', 'SIGTERM', 'sigterm', 'exit', 'SIGKILL', 'terminated'].includes(e),
    );
    expect(order).toEqual(['preStop', 'prestop', 'SIGTERM', 'sigterm', 'exit', 'terminated']);
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('sends SIGKILL when the grace period (which includes preStop) runs out', async () => {
    const container = fixtureContainer({ preStop: { kind: 'sleep', seconds: 0.3 } });
    const { instance } = run({ container, terminationGracePeriodSeconds: 0.8 }, { FIXTURE_IGNORE_SIGTERM: '1' });
    await waitFor(() => instance.status().ready, 5000, 'ready');
    const pid = instance.status().pid ?? 0;
    const t0 = Date.now();
    await instance.terminate();
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(750);
    expect(took).toBeLessThan(2500);
    const order = events(instance.logFile).filter((e) =>
      ['preStop', 'SIGTERM', 'sigterm', 'SIGKILL', 'terminated'].includes(e),
    );
    expect(order).toEqual(['preStop', 'SIGTERM', 'sigterm', 'SIGKILL', 'terminated']);
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('terminates an instance waiting in back-off without starting it again', async () => {
    const { instance } = run(
      { backoff: { initialSeconds: 5, maxSeconds: 5, resetAfterSeconds: 60 } },
      { FIXTURE_CRASH_AFTER_MS: '10' },
    );
    await waitFor(() => instance.status().state === 'CrashLoopBackOff', 5000, 'CrashLoopBackOff');
    const t0 = Date.now();
    await instance.terminate();
    expect(Date.now() - t0).toBeLessThan(500);
    expect(instance.status()).toMatchObject({ state: 'Terminating', restarts: 1 });
    expect(instance.status().pid).toBeUndefined();
  });
});
