import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@quickship/pglocal';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EndpointTable } from './endpoints.ts';
import type { PersistedInstance } from './instance.ts';
import { spawnProcess, type ProcessHandle } from './process.ts';
import { ReplicaSet } from './replicaset.ts';
import { adoptOrReplace, StateStore, type EngineState } from './state-store.ts';
import { fixtureContainer, fixtureImages, removeTempDirs, tempDir, waitFor } from './test-fixtures/fixture-image.ts';

afterAll(removeTempDirs);

const fixtureDir = join(import.meta.dirname, 'test-fixtures');
const handles: ProcessHandle[] = [];
afterEach(async () => {
  for (const handle of handles.splice(0)) {
    if (handle.hasExited()) continue;
    handle.kill();
    await handle.exited;
  }
});

function state(rollout: string, instances: PersistedInstance[] = []): EngineState {
  return {
    schemaVersion: 1,
    rollout,
    savedAt: new Date().toISOString(),
    engine: { pid: process.pid },
    controller: {
      blueGreen: { activeSelector: 'abc' },
      pauseConditions: [],
      controllerPause: false,
      abort: false,
      promoteFull: false,
      conditions: [],
    },
    replicaSets: [],
    instances,
  };
}

/** A fixture process started as a previous engine would have, recorded as it would have persisted it. */
async function previousEngineInstance(name: string, env: Record<string, string> = {}): Promise<PersistedInstance> {
  const port = await freePort();
  const logDir = tempDir('adopt');
  const logFile = join(logDir, `${name}.log`);
  const handle = await spawnProcess({
    file: process.execPath,
    args: ['server.mjs'],
    cwd: fixtureDir,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOSTNAME: name, ...env },
    logFile,
  });
  handles.push(handle);
  await waitFor(
    () => existsSync(logFile) && readFileSync(logFile, 'utf8').includes('event listening'),
    5000,
    `${name} listening`,
  );
  const now = new Date().toISOString();
  return {
    name,
    podTemplateHash: 'abc',
    pid: handle.pid,
    port,
    ...(handle.startTime ? { processStartTime: handle.startTime } : {}),
    startedAt: now,
    containerStartedAt: now,
    restarts: 0,
    logFile,
  };
}

describe('StateStore', () => {
  it('round-trips state, writes atomically and applies saves in order', async () => {
    const store = new StateStore(join(tempDir('state'), 'state'));
    expect(await store.load('payments')).toBeUndefined();
    const saves = Array.from({ length: 20 }, (_, i) => store.save({ ...state('payments'), savedAt: `t${i}` }));
    await Promise.all(saves);
    expect((await store.load('payments'))?.savedAt).toBe('t19');
    expect(readdirSync(store.dir)).toEqual(['payments.json']); // no temporary file left behind

    store.saveSoon(() => ({ ...state('payments'), savedAt: 'soon-1' }));
    store.saveSoon(() => ({ ...state('payments'), savedAt: 'soon-2' }));
    await store.flush();
    expect((await store.load('payments'))?.savedAt).toBe('soon-2');
  });

  it('names the file and the fix when the state is unreadable', async () => {
    const store = new StateStore(tempDir('state'));
    await store.save(state('payments'));
    writeFileSync(store.file('payments'), '{ half');
    await expect(store.load('payments')).rejects.toThrow(
      /payments\.json is unreadable .*delete it to start from a clean state/,
    );
  });
});

describe('adoptOrReplace', () => {
  it('adopts a live healthy process, stops an unhealthy one it owns, and leaves a reused pid alone', async () => {
    const healthy = await previousEngineInstance('payments-abc-hhhhh');
    const unhealthy = await previousEngineInstance('payments-abc-uuuuu', { FIXTURE_LIVENESS_FAIL_AFTER_MS: '0' });
    const reused: PersistedInstance = {
      ...healthy,
      name: 'payments-abc-rrrrr',
      pid: process.pid,
      processStartTime: '1',
    };
    const dead: PersistedInstance = { ...healthy, name: 'payments-abc-ddddd', pid: 2 ** 22 - 7 };

    const plan = await adoptOrReplace([healthy, unhealthy, reused, dead], { graceSeconds: 2 });
    expect(plan.adopt.map((i) => i.name)).toEqual([healthy.name]);
    expect(plan.replaced.map((r) => r.instance.name)).toEqual([unhealthy.name]);
    expect(plan.replaced[0]?.reason).toContain('statuscode: 500');
    expect(plan.gone.map((g) => g.instance.name).sort()).toEqual([dead.name, reused.name].sort());
    await handles[1]?.exited; // the unhealthy one was stopped
    expect(readFileSync(unhealthy.logFile, 'utf8')).toContain('event sigterm');
    expect(() => process.kill(healthy.pid, 0)).not.toThrow();

    // A new ReplicaSet takes the adopted process over: serving, and it terminates it on scale-down.
    const endpoints = new EndpointTable();
    const rs = new ReplicaSet({
      rolloutName: 'payments',
      podTemplateHash: 'abc',
      container: fixtureContainer(),
      terminationGracePeriodSeconds: 5,
      env: {},
      images: fixtureImages,
      endpoints,
      logDir: tempDir('adopt-logs'),
    });
    rs.adopt(plan.adopt);
    rs.scale(1);
    await waitFor(() => rs.observation().readyReplicas === 1, 5000, 'adopted instance ready');
    expect(rs.instances()).toMatchObject([{ name: healthy.name, pid: healthy.pid, port: healthy.port }]);
    expect(endpoints.serving('abc').map((e) => e.port)).toEqual([healthy.port]);
    await rs.shutdown();
    expect(() => process.kill(healthy.pid, 0)).toThrow();
    expect(endpoints.list()).toEqual([]);
  });
});
