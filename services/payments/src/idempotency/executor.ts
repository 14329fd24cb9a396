// Runs one POST under Stripe's Idempotency-Key rules (design and sources: docs/idempotency.md).
//
//   no key     → the operation runs once, nothing is remembered.
//   finished   → the stored status and body are replayed byte for byte (same method, path, params),
//                or 400 when the key was first used for another request.
//   in flight  → 409: another request holds the key's advisory lock.
//   new        → this request takes the lock, runs, and writes the key row with its response in
//                the same commit as its effects. Business errors (402 card errors, 400 state
//                errors, 404) are answers too and are saved; 5xx are not (nothing was written),
//                so a retry executes again.
//
// Two shapes of operation:
//   executeOnce          the effect is one INSERT decided before touching the database
//                        (creating a payment): lock, check, key and payment in ONE statement,
//                        shared with the creates that arrive at the same time (group commit).
//   executeIdempotently  read-modify-write under a row lock (capture, cancel, refund): a session
//                        lock on the key, then the operation's own transaction, then unlock.
import type pg from 'pg';
import { ApiError, IdempotencyError } from '../domain/errors.ts';
import { isDatabaseUnavailable, isUniqueViolation } from '../db/errors.ts';
import { checkout, type Checkout } from '../db/pool.ts';
import {
  findKey,
  KEY_CONSTRAINT,
  lookupKeyOrLock,
  saveKey,
  unlockKey,
  type KeyRecord,
} from '../store/idempotency-keys.ts';
import type { NewPayment } from '../store/payments.ts';
import type { GroupCommit } from './group-commit.ts';
import { requestFingerprint } from './fingerprint.ts';

export interface Outcome {
  readonly statusCode: number;
  readonly body: unknown;
}

/** A response as the exact bytes sent (and stored). */
export interface Rendered {
  readonly statusCode: number;
  readonly body: string;
}

export interface Executed extends Rendered {
  readonly replayed: boolean;
}

export interface IdempotentRequest {
  readonly merchantId: string;
  /** The Idempotency-Key header, already checked to be 1-255 characters. */
  readonly key: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly params: unknown;
}

export interface ExecutorDeps {
  readonly pool: pg.Pool;
  readonly fingerprintKey: Buffer;
  /** Where creates are committed (one statement per group of concurrent requests). */
  readonly creates: GroupCommit;
  /** Test seam (executeIdempotently): runs while the key is locked and nothing is written yet. */
  readonly afterKeyLocked?: (db: pg.PoolClient) => Promise<void>;
}

export type Render = (outcome: Outcome) => string;

/** What a single-write operation decided: the response, and the payment row that makes it true. */
export interface PlannedWrite {
  readonly outcome: Outcome;
  /** None when only the answer is remembered (a card rejected before any payment existed). */
  readonly payment?: NewPayment;
  /** After the commit (metrics). */
  readonly onCommitted?: () => void;
}

/**
 * Runs `plan` (pure: may throw an ApiError) and commits its payment, with its key and response
 * when keyed, in one statement shared with concurrent creates (group-commit.ts).
 */
export async function executeOnce(
  deps: ExecutorDeps,
  request: IdempotentRequest,
  render: Render,
  plan: () => PlannedWrite,
): Promise<Executed> {
  if (request.key === undefined) {
    const planned = plan();
    const rendered = renderWith(render, planned.outcome);
    if (planned.payment) await deps.creates.submit({ payment: planned.payment });
    planned.onCommitted?.();
    return { ...rendered, replayed: false };
  }
  const key = request.key;
  let planned: PlannedWrite;
  try {
    planned = plan();
  } catch (error) {
    if (!(error instanceof ApiError) || error.statusCode >= 500) throw error;
    planned = { outcome: errorOutcome(error) };
  }
  const rendered = renderWith(render, planned.outcome);
  const fingerprint = requestFingerprint(deps.fingerprintKey, request.method, request.path, request.params);
  const record = recordOf(request, key, fingerprint, rendered);
  const result = await deps.creates.submit({ key: { record }, payment: planned.payment });
  switch (result.kind) {
    case 'saved':
      planned.onCommitted?.();
      return { ...rendered, replayed: false };
    case 'stored':
      return replay(result.record, request, fingerprint);
    case 'raced': {
      const winner = await findKey(deps.pool, request.merchantId, key);
      if (winner) return replay(winner, request, fingerprint);
      throw inFlight(key);
    }
    case 'in_flight':
      throw inFlight(key);
  }
}

/** What a read-modify-write operation gets: a connection of its own, and how to finish. */
export interface Unit {
  readonly db: pg.PoolClient;
  /** The response's final bytes and the key row to write in the same transaction as the effects (none without a key). */
  conclude(outcome: Outcome): { readonly rendered: Rendered; readonly key: KeyRecord | undefined };
}

export type Operation = (unit: Unit) => Promise<Rendered>;

export async function executeIdempotently(
  deps: ExecutorDeps,
  request: IdempotentRequest,
  render: Render,
  operation: Operation,
): Promise<Executed> {
  const connection = await checkout(deps.pool);
  const client = connection.client;
  let locked: { readonly merchantId: string; readonly key: string } | undefined;
  let broken: Error | undefined;
  try {
    if (request.key === undefined) {
      const rendered = await operation({
        db: client,
        conclude: (outcome) => ({ rendered: renderWith(render, outcome), key: undefined }),
      });
      return { ...rendered, replayed: false };
    }
    const key = request.key;
    const fingerprint = requestFingerprint(deps.fingerprintKey, request.method, request.path, request.params);
    const found = await lookupKeyOrLock(client, request.merchantId, key);
    if (found.kind === 'stored') return replay(found.record, request, fingerprint);
    if (!found.acquired) throw inFlight(key);
    locked = { merchantId: request.merchantId, key };
    await deps.afterKeyLocked?.(client);

    try {
      const rendered = await operation({
        db: client,
        conclude: (outcome) => {
          const r = renderWith(render, outcome);
          return { rendered: r, key: recordOf(request, key, fingerprint, r) };
        },
      });
      return { ...rendered, replayed: false };
    } catch (error) {
      if (error instanceof ApiError && error.statusCode < 500) {
        // The endpoint began executing and answered with an error: that answer is the result
        // (its transaction rolled back, so the key row is written on its own, still locked).
        const rendered = renderWith(render, errorOutcome(error));
        await saveKey(client, recordOf(request, key, fingerprint, rendered));
        return { ...rendered, replayed: false };
      }
      if (isUniqueViolation(error, KEY_CONSTRAINT)) {
        // Another attempt finished between our snapshot and our lock; its answer is the result.
        const winner = await findKey(client, request.merchantId, key);
        if (winner) return replay(winner, request, fingerprint);
      }
      throw error;
    }
  } catch (error) {
    if (isDatabaseUnavailable(error)) broken = error as Error;
    throw error;
  } finally {
    release(connection, locked, broken);
  }
}

function renderWith(render: Render, outcome: Outcome): Rendered {
  return { statusCode: outcome.statusCode, body: render(outcome) };
}

function errorOutcome(error: ApiError): Outcome {
  return { statusCode: error.statusCode, body: { error: error.toBody() } };
}

function recordOf(request: IdempotentRequest, key: string, fingerprint: string, rendered: Rendered): KeyRecord {
  return {
    merchantId: request.merchantId,
    key,
    method: request.method,
    path: request.path,
    fingerprint,
    statusCode: rendered.statusCode,
    body: rendered.body,
  };
}

function inFlight(key: string): IdempotencyError {
  return new IdempotencyError(
    409,
    'idempotency_key_in_use',
    `A request with Idempotency-Key '${key}' is still being processed. Retry it shortly.`,
  );
}

function replay(record: KeyRecord, request: IdempotentRequest, fingerprint: string): Executed {
  if (record.method !== request.method || record.path !== request.path) {
    throw new IdempotencyError(
      400,
      'idempotency_key_reused',
      `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${record.method} ${record.path}'). ` +
        `Use a new key for '${request.method} ${request.path}'.`,
    );
  }
  if (record.fingerprint !== fingerprint) {
    throw new IdempotencyError(
      400,
      'idempotency_key_reused',
      `Keys for idempotent requests can only be used with the same parameters they were first used with. Try a key other than '${record.key}' if you meant to execute a different request.`,
    );
  }
  return { statusCode: record.statusCode, body: record.body, replayed: true };
}

/**
 * Gives the connection back. The key's lock is released after the response is decided (its row,
 * if any, is committed by then): a retry that finds the row replays it without the lock, and one
 * that raced us fails on the key's unique constraint. A broken connection is destroyed, which
 * also drops its lock on the server.
 */
function release(
  connection: Checkout,
  locked: { readonly merchantId: string; readonly key: string } | undefined,
  broken: Error | undefined,
): void {
  if (broken !== undefined || locked === undefined) {
    connection.release(broken);
    return;
  }
  unlockKey(connection.client, locked.merchantId, locked.key).then(
    () => connection.release(),
    (error: Error) => connection.release(error),
  );
}
