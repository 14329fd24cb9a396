// One database transaction on a checked-out connection: BEGIN, the work, COMMIT; ROLLBACK on any
// error. A connection whose ROLLBACK fails is reported broken so the caller destroys it.
import type pg from 'pg';

export type Queryable = Pick<pg.PoolClient, 'query'>;

export class BrokenConnectionError extends Error {
  constructor(override readonly cause: unknown) {
    super(
      `the database connection broke during a transaction: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = 'BrokenConnectionError';
  }
}

export interface TransactionOptions {
  /** Called after the work and before COMMIT (tests use it to kill the connection mid-transaction). */
  readonly beforeCommit?: (client: pg.PoolClient) => Promise<void>;
}

export async function inTransaction<T>(
  client: pg.PoolClient,
  work: () => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await options.beforeCommit?.(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      throw new BrokenConnectionError(error);
    }
    throw error;
  }
}
