// Group commit for creates: requests that arrive while earlier ones are committing share the next
// statement, so one transaction (one WAL flush, one round trip, one plan) carries many payments.
// Every payment is still durable before its response is sent; what is shared is only the commit.
//
// How a request travels:
//   submit  → queued; a duplicate (merchant, key) of a queued or committing item is answered
//             'in_flight' at once (the 409 a second connection would get from the advisory lock).
//   flush   → at most `maxConcurrent` statements run at a time, each taking up to `maxBatch`
//             queued items. A flush is scheduled with setImmediate, so everything that arrived in
//             the same turn of the event loop goes together; under light load a request waits for
//             nothing but that turn. Under load, batches grow by themselves while slots are busy.
//   locked  → a key another connection holds (a capture/refund with it, or another process's
//             create) is tried again after 10, 30 and 60 ms before the answer is 'in_flight'.
//   failure → "the database is unavailable" fails the whole batch (each request answers 503 and
//             its retry, same key, starts over: nothing was written). Any other error of a batch
//             of several retries each item alone, on the batch's own connection, so one request's
//             fault never fails another's.
//
// Measured effect and the settings' rationale: services/payments/bench/README.md.
import type pg from 'pg';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { checkout, type Checkout } from '../db/pool.ts';
import { commitCreates, type CreateItem, type CreateResult } from '../store/create-batch.ts';

export interface GroupCommitSettings {
  /** Statements in flight at once (each holds a pool connection while it commits). */
  readonly maxConcurrent: number;
  /** Items per statement. */
  readonly maxBatch: number;
  /**
   * Pauses before trying again a key that another connection holds, one per try; after the last,
   * the answer is 'in_flight' (409). A retry sent the moment its first attempt's process died finds
   * that attempt's statement still committing; a short wait turns its 409 into the replay of the
   * committed answer, or into a fresh execution when the statement rolled back.
   */
  readonly lockWaitsMs: readonly number[];
  /** Called with each statement's item count (a metric). */
  readonly onBatch?: (size: number) => void;
}

export const GROUP_COMMIT_DEFAULTS = { maxConcurrent: 4, maxBatch: 64, lockWaitsMs: [10, 30, 60] } as const;

/**
 * Statements in flight for a pool of `poolMax` connections: half the pool, at most 8, so the
 * other routes (reads, captures, refunds) always find connections. On 2 cores, 32 client
 * connections and a pool of 32, 8 in flight made the most payments/s: fewer (1–2) made batches
 * larger but left PostgreSQL idle between them; more did not help (bench/README.md).
 */
export function groupCommitConcurrency(poolMax: number): number {
  return Math.max(1, Math.min(8, Math.floor(poolMax / 2)));
}

interface Pending {
  readonly item: CreateItem;
  /** merchant \0 key, for keyed items. */
  readonly identity: string | undefined;
  readonly resolve: (result: CreateResult) => void;
  readonly reject: (error: unknown) => void;
  /** Tries that found the key locked by another connection. */
  lockWaits: number;
}

export class GroupCommit {
  readonly #pool: pg.Pool;
  readonly #settings: GroupCommitSettings;
  readonly #queue: Pending[] = [];
  readonly #active = new Set<string>();
  #inFlight = 0;
  #scheduled = false;

  constructor(pool: pg.Pool, settings: Partial<GroupCommitSettings> = {}) {
    this.#pool = pool;
    this.#settings = { ...GROUP_COMMIT_DEFAULTS, ...settings };
  }

  submit(item: CreateItem): Promise<CreateResult> {
    const identity = item.key && `${item.key.record.merchantId}\0${item.key.record.key}`;
    if (identity !== undefined) {
      if (this.#active.has(identity)) return Promise.resolve({ kind: 'in_flight' });
      this.#active.add(identity);
    }
    return new Promise<CreateResult>((resolve, reject) => {
      this.#queue.push({ item, identity, resolve, reject, lockWaits: 0 });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#settings.maxConcurrent || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#inFlight < this.#settings.maxConcurrent && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#settings.maxBatch);
      this.#inFlight += 1;
      this.#settings.onBatch?.(batch.length);
      void this.#commit(batch).finally(() => {
        this.#inFlight -= 1;
        this.#schedule();
      });
    }
  }

  async #commit(batch: readonly Pending[]): Promise<void> {
    let connection: Checkout | undefined;
    let broken: Error | undefined;
    const waiting = new Set<Pending>();
    const settle = (p: Pending, result: CreateResult): void => {
      const pause = result.kind === 'in_flight' ? this.#settings.lockWaitsMs[p.lockWaits] : undefined;
      if (pause === undefined) return p.resolve(result);
      p.lockWaits += 1;
      waiting.add(p); // keeps its identity: a duplicate arriving meanwhile is still in flight
      setTimeout(() => {
        this.#queue.push(p);
        this.#schedule();
      }, pause);
    };
    try {
      connection = await checkout(this.#pool);
      const results = await commitCreates(
        connection.client,
        batch.map((p) => p.item),
      );
      batch.forEach((p, i) => settle(p, results[i]!));
    } catch (error) {
      const unavailable = isDatabaseUnavailable(error);
      if (unavailable) broken = error as Error;
      if (connection === undefined || batch.length === 1 || unavailable) {
        for (const p of batch) p.reject(error);
      } else {
        // One at a time on the SAME connection. PostgreSQL sends the error before it aborts the
        // failed transaction and frees its advisory locks; another connection could still find a
        // key locked and answer a spurious 409 (seen about once in 300 failed batches). This one
        // sends nothing until the server is ready again, i.e. after the abort.
        const { client } = connection;
        for (const p of batch)
          await commitCreates(client, [p.item]).then((results) => settle(p, results[0]!), p.reject);
      }
    } finally {
      connection?.release(broken);
      for (const p of batch) if (p.identity !== undefined && !waiting.has(p)) this.#active.delete(p.identity);
    }
  }
}
