// Group commit against real PostgreSQL: concurrent creates share statements, every outcome of a
// single request survives the grouping (saved, stored, in flight), one bad item never fails the
// others, and the finished-key lookup stays an index probe however large the table grows.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, dropTestDatabase } from '../../test/support.ts';
import { createPool } from '../db/pool.ts';
import type { Payment } from '../domain/payment.ts';
import { commitCreates, createBatchSql, createBatchValues, type CreateItem } from '../store/create-batch.ts';
import { keyLockSql } from '../store/idempotency-keys.ts';
import { GroupCommit } from './group-commit.ts';

let databaseUrl: string;
let pool: pg.Pool;

beforeAll(async () => {
  databaseUrl = await createTestDatabase('group_commit');
  // The service's own pool (its 'error' listener matters: pool.end() resolves before its sockets
  // close, and DROP DATABASE … WITH (FORCE) then terminates them).
  pool = createPool({ databaseUrl, max: 6 });
});
afterAll(async () => {
  await pool.end();
  await dropTestDatabase(databaseUrl);
});

let seq = 0;
function payment(overrides: Partial<Payment> = {}): Payment {
  seq += 1;
  return {
    id: `pay_groupcommit${String(seq).padStart(9, '0')}`,
    object: 'payment',
    amount: 1000,
    amount_captured: 1000,
    amount_refunded: 0,
    currency: 'usd',
    status: 'succeeded',
    capture_method: 'automatic',
    card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2040 },
    description: `it's "quoted", {braced} \\ and ünïcode`,
    metadata: { order: `o-${seq}` },
    failure_code: null,
    failure_message: null,
    created: 1_800_000_000,
    ...overrides,
  };
}

function item(key: string | undefined, p: Payment | undefined = payment(), merchantId = 'acme'): CreateItem {
  return {
    key:
      key === undefined
        ? undefined
        : {
            record: {
              merchantId,
              key,
              method: 'POST',
              path: '/v1/payments',
              fingerprint: 'f'.repeat(64),
              statusCode: 201,
              body: JSON.stringify(p ?? { error: 'x' }),
            },
          },
    payment: p && { merchantId, payment: p, createdAt: new Date(p.created * 1000), cardFingerprint: 'c'.repeat(32) },
  };
}

async function stored(id: string): Promise<Record<string, unknown> | undefined> {
  const { rows } = await pool.query(
    'SELECT id, amount, description, metadata, created_at FROM payments WHERE id = $1',
    [id],
  );
  return rows[0] as Record<string, unknown> | undefined;
}

describe('GroupCommit', () => {
  it('puts concurrent creates into shared statements and saves each one exactly', async () => {
    const sizes: number[] = [];
    const group = new GroupCommit(pool, { maxConcurrent: 2, maxBatch: 16, onBatch: (n) => sizes.push(n) });
    const items = Array.from({ length: 40 }, (_, i) => item(i % 5 === 0 ? undefined : `gc-many-${i}`));
    const results = await Promise.all(items.map((it) => group.submit(it)));
    expect(results.every((r) => r.kind === 'saved')).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(40);
    expect(sizes.length).toBeLessThan(40);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(16);
    for (const it of items) {
      const row = await stored(it.payment!.payment.id);
      expect(row).toMatchObject({
        amount: 1000,
        description: it.payment!.payment.description,
        metadata: it.payment!.payment.metadata,
      });
      expect((row!.created_at as Date).getTime()).toBe(it.payment!.createdAt.getTime());
    }
    const { rows } = await pool.query(
      "SELECT count(*)::int AS n FROM idempotency_keys WHERE idempotency_key LIKE 'gc-many-%'",
    );
    expect(rows[0].n).toBe(32);
  });

  it('answers a key already queued or committing as in flight, and a finished key as stored', async () => {
    const group = new GroupCommit(pool);
    const first = item('gc-dup');
    const [a, b] = await Promise.all([group.submit(first), group.submit(item('gc-dup'))]);
    expect([a.kind, b.kind]).toEqual(['saved', 'in_flight']);
    const again = await group.submit(item('gc-dup'));
    expect(again).toMatchObject({ kind: 'stored', record: { body: first.key!.record.body, statusCode: 201 } });
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM payments WHERE metadata->>'order' = $1", [
      first.payment!.payment.metadata.order,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('reports a key whose lock another connection holds as in flight, and writes nothing for it', async () => {
    const holder = await pool.connect();
    try {
      // What a capture/refund with this key holds while it runs (executeIdempotently).
      await holder.query(`SELECT pg_advisory_lock(${keyLockSql('$1::text', '$2::text')})`, ['acme', 'gc-locked']);
      const locked = item('gc-locked');
      const [result, other] = await commitCreates(pool, [locked, item('gc-free')]);
      expect(other).toEqual({ kind: 'saved' });
      expect(result).toEqual({ kind: 'in_flight' });
      expect(await stored(locked.payment!.payment.id)).toBeUndefined();
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
    }
  });

  it('waits briefly for a key another connection holds: saved once it is freed, in flight if it never is', async () => {
    const holder = await pool.connect();
    const lock = `SELECT pg_advisory_lock(${keyLockSql('$1::text', '$2::text')})`;
    try {
      // Freed during the waits (a killed process's statement finishing its commit): saved, not 409.
      await holder.query(lock, ['acme', 'gc-freed']);
      const group = new GroupCommit(pool, { lockWaitsMs: [40, 40, 40] });
      const freed = item('gc-freed');
      const pending = group.submit(freed);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await holder.query('SELECT pg_advisory_unlock_all()');
      expect(await pending).toEqual({ kind: 'saved' });
      expect(await stored(freed.payment!.payment.id)).toBeDefined();

      // Held throughout: in flight after the last wait, a duplicate meanwhile in flight at once, nothing written.
      await holder.query(lock, ['acme', 'gc-held']);
      const held = item('gc-held');
      const started = Date.now();
      const first = group.submit(held);
      expect(await group.submit(item('gc-held'))).toEqual({ kind: 'in_flight' });
      expect(await first).toEqual({ kind: 'in_flight' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(120);
      expect(await stored(held.payment!.payment.id)).toBeUndefined();
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
    }
  });

  it('remembers a key without a payment (a card rejected before any payment existed)', async () => {
    const [result] = await commitCreates(pool, [item('gc-no-payment', undefined)]);
    expect(result).toEqual({ kind: 'saved' });
    const { rows } = await pool.query(
      "SELECT response_code FROM idempotency_keys WHERE idempotency_key = 'gc-no-payment'",
    );
    expect(rows).toEqual([{ response_code: 201 }]);
  });

  it('retries the others alone when one item makes the shared statement fail', async () => {
    const sizes: number[] = [];
    const group = new GroupCommit(pool, { maxConcurrent: 1, onBatch: (n) => sizes.push(n) });
    const good = Array.from({ length: 5 }, (_, i) => item(`gc-good-${i}`));
    const bad = item('gc-bad', payment({ amount: 0 })); // violates the amount CHECK
    const connect = vi.spyOn(pool, 'connect');
    const outcomes = await Promise.allSettled([...good, bad].map((it) => group.submit(it)));
    // All on the batch's own connection: PostgreSQL reports the error before it frees the failed
    // transaction's advisory locks, so a retry on another connection could find its own key
    // still locked and answer 409 (it did, about once in 300 failed batches).
    expect(connect).toHaveBeenCalledTimes(1);
    connect.mockRestore();
    expect(outcomes.slice(0, 5)).toEqual(good.map(() => ({ status: 'fulfilled', value: { kind: 'saved' } })));
    expect(outcomes[5]).toMatchObject({ status: 'rejected', reason: { code: '23514' } });
    expect(sizes).toEqual([6]);
    for (const it of good) expect(await stored(it.payment!.payment.id)).toBeDefined();
    expect(await stored(bad.payment!.payment.id)).toBeUndefined();
    const { rows } = await pool.query(
      "SELECT count(*)::int AS n FROM idempotency_keys WHERE idempotency_key = 'gc-bad'",
    );
    expect(rows[0].n).toBe(0);
  });

  it('fails the whole batch when the database is unavailable, leaving nothing half-written', async () => {
    const broken = createPool({
      databaseUrl: databaseUrl.replace(/:(\d+)\//, ':1/'),
      max: 1,
      connectionTimeoutMs: 500,
    });
    try {
      const group = new GroupCommit(broken);
      const outcomes = await Promise.allSettled([item('gc-down-1'), item('gc-down-2')].map((it) => group.submit(it)));
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    } finally {
      await broken.end();
    }
  });

  it('looks finished keys up by primary key, not by scanning the table', async () => {
    await pool.query(`INSERT INTO idempotency_keys (merchant_id, idempotency_key, request_method, request_path, request_fingerprint, response_code, response_body)
                      SELECT 'bulk', 'k' || g, 'POST', '/v1/payments', 'f', 201, '{}' FROM generate_series(1, 20000) AS g`);
    await pool.query('ANALYZE idempotency_keys');
    const client = await pool.connect();
    try {
      const values = createBatchValues([item('gc-plan')]);
      const { rows } = await client.query(`EXPLAIN ${createBatchSql}`, values);
      const plan = rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Index Scan using idempotency_keys_merchant_key on idempotency_keys/);
      expect(plan).not.toMatch(/Seq Scan on idempotency_keys/);
    } finally {
      client.release();
    }
  });
});
