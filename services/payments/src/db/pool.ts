// The PostgreSQL connection pool with the limits that make a database outage fail fast instead of
// hanging requests: a bounded wait for a connection, per-statement and per-transaction timeouts.
import pg from 'pg';

export interface PoolSettings {
  readonly databaseUrl: string;
  readonly max: number;
  /** Longest wait for a connection (connect or a free slot); then the request fails with 503. */
  readonly connectionTimeoutMs?: number;
  /** Server-side cap on one statement, and on waiting for a row lock. */
  readonly statementTimeoutMs?: number;
  readonly applicationName?: string;
  /** Errors of idle connections (the server went away); the pool drops the connection itself. */
  readonly onIdleError?: (error: Error) => void;
}

export const POOL_DEFAULTS = { connectionTimeoutMs: 2_000, statementTimeoutMs: 5_000 } as const;

export function createPool(settings: PoolSettings): pg.Pool {
  const statementTimeout = settings.statementTimeoutMs ?? POOL_DEFAULTS.statementTimeoutMs;
  const pool = new pg.Pool({
    connectionString: settings.databaseUrl,
    max: settings.max,
    connectionTimeoutMillis: settings.connectionTimeoutMs ?? POOL_DEFAULTS.connectionTimeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: settings.applicationName ?? 'payments',
    statement_timeout: statementTimeout,
    lock_timeout: statementTimeout,
    // A request that dies mid-transaction must not hold row locks for long.
    idle_in_transaction_session_timeout: statementTimeout * 2,
    // Client-side backstop for a server that stops answering without closing the socket.
    query_timeout: statementTimeout + 2_000,
    keepAlive: true,
  });
  // Without a listener an idle connection's error (server restart) would crash the process.
  pool.on('error', (error) => settings.onIdleError?.(error));
  return pool;
}

/** A connection taken from the pool for a whole request. */
export interface Checkout {
  readonly client: pg.PoolClient;
  /** Gives it back; a broken connection (error given, or one seen while checked out) is destroyed. */
  release(error?: Error): void;
}

/**
 * pool.connect() with an error listener for the time the connection is checked out: pg-pool
 * listens only on idle connections, so a server restart between two queries of a request would
 * otherwise be an uncaught 'error' event and crash the process.
 */
export async function checkout(pool: pg.Pool): Promise<Checkout> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error): void => {
    broken = error;
  };
  client.on('error', onError);
  let released = false;
  return {
    client,
    release(error?: Error) {
      if (released) return;
      released = true;
      client.removeListener('error', onError);
      client.release(error ?? broken);
    },
  };
}
