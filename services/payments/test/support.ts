// Test helpers for the payments service, shared with the load/failure tests and the benchmark
// (services/payments/test/ops, services/payments/bench). Keep these signatures stable.
//
//   createTestDatabase(prefix?)       → URL of a fresh, migrated database on TEST_PG_ADMIN_URL's cluster
//   createEmptyDatabase(prefix?)      → the same, not migrated
//   dropTestDatabase(url)             → drops it (closing its connections)
//   buildTestApp(databaseUrl, deps?)  → an app (not listening) with its own pool, ready
//   spawnServer({ databaseUrl, … })   → the real `server.ts` process on a free port, /readyz 200
//   startTcpProxy(databaseUrl)        → a loopback TCP proxy to PostgreSQL that can cut and restore the link
//   MERCHANTS, PAYMENTS_API_KEYS, authHeaders(), paymentBody(), TEST_CARDS
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '@quickship/pglocal';
import { buildApp, type AppDeps, type PaymentsApp } from '../src/app.ts';
import { createPool } from '../src/db/pool.ts';
import { migrate } from '../src/migrate.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SERVER_ENTRY = fileURLToPath(new URL('../src/server.ts', import.meta.url));

/** Two merchants with fixed keys; keys are long enough for the service's minimum. */
export const MERCHANTS = {
  acme: { id: 'acme', key: 'sk_test_acme_4eC39HqLyjWDarjtT1zdp7dc' },
  globex: { id: 'globex', key: 'sk_test_globex_9fB21KmQxuWDlrpzS4ycq8ab' },
} as const;

/** PAYMENTS_API_KEYS for both fixture merchants. */
export const PAYMENTS_API_KEYS = Object.values(MERCHANTS)
  .map((m) => `${m.id}:${m.key}`)
  .join(',');

export function authHeaders(
  key: string = MERCHANTS.acme.key,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...extra };
}

/** Stripe's public test numbers (https://docs.stripe.com/testing). */
export const TEST_CARDS = {
  visa: '4242424242424242',
  visaSpaced: '4242 4242 4242 4242',
  mastercard: '5555555555554444',
  mastercard2Series: '2223003122003222',
  amex: '378282246310005',
  discover: '6011111111111117',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  incorrectCvc: '4000000000000127',
  processingError: '4000000000000119',
  luhnFailure: '4242424242424241',
} as const;

export interface PaymentBodyOverrides {
  amount?: number;
  currency?: string;
  number?: string;
  cvc?: string;
  exp_month?: number;
  exp_year?: number;
  [extra: string]: unknown;
}

/** A valid POST /v1/payments body (visa 4242, expiring in three years); override any field. */
export function paymentBody(overrides: PaymentBodyOverrides = {}): Record<string, unknown> {
  const {
    amount = 1050,
    currency = 'usd',
    number = TEST_CARDS.visa,
    cvc = '123',
    exp_month = 12,
    exp_year = new Date().getUTCFullYear() + 3,
    ...rest
  } = overrides;
  return { amount, currency, card: { number, exp_month, exp_year, cvc }, ...rest };
}

function adminUrl(): string {
  const url = process.env.TEST_PG_ADMIN_URL;
  if (!url)
    throw new Error(
      'TEST_PG_ADMIN_URL is not set: run the tests through vitest (test/global-setup.ts starts PostgreSQL)',
    );
  return url;
}

/** Creates a uniquely named database on the test cluster, migrates it, returns its URL. */
export async function createTestDatabase(prefix = 'payments'): Promise<string> {
  const url = await createEmptyDatabase(prefix);
  await migrate(url);
  return url;
}

/** Like createTestDatabase, without migrating (migration and readiness tests). */
export async function createEmptyDatabase(prefix = 'payments'): Promise<string> {
  const name = `${prefix.replace(/[^a-z0-9_]/g, '_')}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export interface TestApp {
  readonly app: PaymentsApp;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

/** buildApp on a pool of its own (max 10 unless given), with both fixture merchants registered, ready. */
export async function buildTestApp(
  databaseUrl: string,
  deps: Partial<AppDeps> & { poolMax?: number } = {},
): Promise<TestApp> {
  const { poolMax, ...rest } = deps;
  const pool = deps.pool ?? createPool({ databaseUrl, max: poolMax ?? 10 });
  const app = buildApp({
    config: {
      apiKeys: Object.values(MERCHANTS).map((m) => ({ merchant: m.id, key: m.key })),
      appVersion: 'test',
      gitCommit: 'test',
      faultErrorRate: 0,
      faultLatencyMs: 0,
    },
    ...rest,
    pool,
  });
  await app.ready();
  return {
    app,
    pool,
    async close() {
      await app.close();
      await pool.end();
    },
  };
}

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr: JSON log lines). */
  output(): string;
  /** Settles when the process exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running; then waits for the exit. */
  kill(): Promise<void>;
}

export interface SpawnServerOptions {
  readonly databaseUrl: string;
  /** Extra environment (PAYMENTS_API_KEYS defaults to the fixtures, LOG_LEVEL to info). */
  readonly env?: Readonly<Record<string, string>>;
  readonly port?: number;
  /** How long to wait for /readyz 200 (default 30 s: tsx compiles on start). */
  readonly readyTimeoutMs?: number;
  /** Node's arguments and working folder (default: `--import tsx services/payments/src/server.ts` in the repository). */
  readonly node?: { readonly args: readonly string[]; readonly cwd: string };
}

/** Starts the server (by default `node --import tsx services/payments/src/server.ts`) on 127.0.0.1 and waits until /readyz is 200. */
export async function spawnServer(options: SpawnServerOptions): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, options.node?.args ?? ['--import', 'tsx', SERVER_ENTRY], {
    cwd: options.node?.cwd ?? REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: options.databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      PAYMENTS_API_KEYS,
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => (done = true));

  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    url,
    port,
    pid: child.pid!,
    child,
    output: () => output,
    exited,
    async kill() {
      if (!done) child.kill('SIGKILL');
      await exited;
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (done) throw new Error(`the server exited before it was ready:\n${output}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.kill();
      throw new Error(`the server was not ready within ${options.readyTimeoutMs ?? 30_000} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface TcpProxy {
  /** `databaseUrl` with host and port replaced by the proxy's. */
  readonly url: string;
  readonly port: number;
  /** Resets every open connection and refuses new ones, like a database that went away. */
  cut(): void;
  /** Accepts and forwards connections again. */
  restore(): void;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy in front of the database of `databaseUrl`: a way to take PostgreSQL away
 * from one service instance (connections reset, new ones refused) without stopping the cluster
 * other tests share.
 */
export async function startTcpProxy(databaseUrl: string): Promise<TcpProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let down = false;
  const server = createServer((client) => {
    if (down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    port,
    cut() {
      down = true;
      for (const socket of sockets) socket.resetAndDestroy();
    },
    restore() {
      down = false;
    },
    async close() {
      down = true;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
