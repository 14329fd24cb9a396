// Stopping and restarting PostgreSQL under load (issue 2, "Tests"): readiness turns 503, API
// requests get 503 JSON quickly (no hangs), then the service recovers by itself; afterwards no
// payment is lost or duplicated. The test runs its OWN cluster so it can stop it without
// disturbing the other test files. `pg_ctl stop -m fast` terminates every session at once, in
// the middle of transactions; (`-m immediate`, a crash, behaves the same for the service but its
// crash recovery makes the restart take 4-10 s on a loaded 2-core machine.)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger, describeLedger, isSuccess, runLoad, settlePayments, type AttemptEvent } from '@quickship/loadgen';
import { migrate } from '@quickship/payments';
import { startPostgres, type PostgresCluster } from '@quickship/pglocal';
import { spawnServer, type ServerProcess } from '../support.ts';
import { keyResponseMismatches, readStoredLedger } from './ledger-db.ts';
import { firstAfter, pollReadiness } from './probes.ts';

const API_KEY = 'sk_test_pgrestart_0123456789abcdef';
const MERCHANT = 'ops';
// The pool waits at most 2 s for a connection and statements time out after 5 s (src/db/pool.ts);
// a refused connection fails at once. Generous for a loaded 2-core machine, far below a hang.
const MAX_503_LATENCY_MS = 4_000;
const OUTAGE_MS = 2_500;

describe('PostgreSQL stops and restarts under load', () => {
  let cluster: PostgresCluster | undefined;
  let service: ServerProcess | undefined;
  let databaseUrl = '';

  beforeAll(async () => {
    cluster = await startPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'quickship-ops-pg-')), ephemeral: true });
    databaseUrl = await cluster.createDatabase('payments_ops');
    await migrate(databaseUrl);
    service = await spawnServer({
      databaseUrl,
      env: { PAYMENTS_API_KEYS: `${MERCHANT}:${API_KEY}`, LOG_LEVEL: 'warn', DB_POOL_MAX: '8', SHUTDOWN_DELAY_MS: '0' },
    });
  });
  afterAll(async () => {
    await service?.kill();
    await cluster?.stop();
  });

  it('answers 503 JSON fast while the database is down, recovers, and loses or duplicates nothing', async () => {
    const svc = service!;
    const hasExited = (): boolean => svc.child.exitCode !== null || svc.child.signalCode !== null;
    const db = cluster!;
    const events: AttemptEvent[] = [];
    const stopLoad = new AbortController();
    const readiness = pollReadiness(svc.url, 100);
    // The client's own policy: same key, backoff 25..400 ms, 5 attempts; what is still failed
    // after the outage is settled below with the same keys.
    const load = runLoad({
      targets: svc.url,
      connections: 8,
      durationMs: 20_000,
      signal: stopLoad.signal,
      workload: { kind: 'payments', apiKey: API_KEY, runId: 'pgrestart' },
      onAttempt: (e) => events.push(e),
    });

    await sleep(1500);
    expect(events.filter((e) => isSuccess(e.outcome)).length, 'no payment succeeded before the outage').toBeGreaterThan(
      10,
    );
    const haltedAt = Date.now();
    await db.halt('fast');
    await sleep(OUTAGE_MS);
    if (hasExited()) stopLoad.abort();
    const restartAt = Date.now();
    await db.restart();
    const deadline = Date.now() + 15_000;
    while (!firstAfter(readiness.samples, restartAt, (s) => s.status === 200) && Date.now() < deadline && !hasExited())
      await sleep(100);
    const recoveredAt = firstAfter(readiness.samples, restartAt, (s) => s.status === 200)?.at;
    await sleep(1500); // steady traffic again after recovery
    stopLoad.abort();
    const { report, payments } = await load;
    await readiness.stop();

    const outage = events.filter((e) => e.startedAt >= haltedAt && e.startedAt < restartAt);
    const unavailable = events.filter((e) => e.outcome.kind === 'response' && e.outcome.status === 503);
    console.log(
      'postgres-restart:',
      JSON.stringify({
        sent: report.attempts.sent,
        ok: report.attempts.ok,
        nonOk: report.attempts.nonOkByStatus,
        transport: report.attempts.transportErrors,
        logical: report.logical,
        max503Ms: Math.round(Math.max(0, ...unavailable.map((e) => e.endedAt - e.startedAt))),
        firstNotReadyMs: (firstAfter(readiness.samples, haltedAt, (s) => s.status === 503)?.at ?? NaN) - haltedAt,
        readyMsAfterRestartBegan: recoveredAt === undefined ? null : recoveredAt - restartAt,
      }),
    );

    // The service rides out the outage in-process (no crash, no restart by a supervisor).
    expect(hasExited(), `the service process died during the outage:\n${svc.output().slice(-3000)}`).toBe(false);

    // Readiness: 503 within a couple of probes of the crash, 200 again after the restart.
    const notReady = firstAfter(readiness.samples, haltedAt, (s) => s.status === 503);
    expect(notReady, 'readiness never turned 503').toBeDefined();
    expect(notReady!.at - haltedAt).toBeLessThan(2_000);
    expect(recoveredAt, 'readiness did not return to 200 within 15 s of the restart').toBeDefined();

    // During the outage the API answered — 503 with a JSON error body, quickly — and never hung.
    expect(outage.length).toBeGreaterThan(10);
    expect(unavailable.length).toBeGreaterThan(5);
    expect(unavailable.every((e) => e.outcome.kind === 'response' && e.outcome.errorType === 'api_error')).toBe(true);
    expect(Math.max(...unavailable.map((e) => e.endedAt - e.startedAt))).toBeLessThan(MAX_503_LATENCY_MS);
    expect(report.attempts.transportErrors).toEqual({});
    expect(Object.keys(report.attempts.nonOkByStatus).filter((status) => status !== '503' && status !== '409')).toEqual(
      [],
    );

    // Recovery: payments succeed again after the restart without any help.
    expect(events.filter((e) => isSuccess(e.outcome) && e.startedAt > recoveredAt!).length).toBeGreaterThan(20);

    // Payments that ran out of retries during the outage complete with their own keys.
    const settled = await settlePayments({ targets: svc.url, apiKey: API_KEY, payments: payments.failed });
    expect(settled.report.logical).toMatchObject({ succeeded: payments.failed.length, failed: 0 });

    // No payment lost, none duplicated: every key ever sent has exactly one payment, the one its
    // 2xx named, and its saved idempotent response names that same payment.
    const acknowledged = new Map([...payments.succeeded, ...settled.payments.succeeded]);
    const stored = await readStoredLedger(databaseUrl, MERCHANT);
    const check = checkLedger({
      succeeded: acknowledged,
      attemptedKeys: payments.attemptedKeys,
      stored: stored.payments,
    });
    expect(check.ok, describeLedger(check)).toBe(true);
    expect(acknowledged.size).toBe(payments.attemptedKeys.size);
    expect(check.storedPayments).toBe(payments.attemptedKeys.size);
    expect(keyResponseMismatches(stored), 'saved idempotent responses naming another payment').toEqual([]);
  }, 30_000);
});
