// The verify step: compare what the client was told with what the service stored. The stored side
// comes from the API (listing every payment of the merchant, reading the key from the metadata the
// load generator wrote) or from a callback the caller provides (a database query).
import { Pool } from 'undici';
import { checkLedger, type LedgerCheck, type StoredPayment } from './ledger.ts';
import { KEY_METADATA_FIELD } from './payment-request.ts';
import type { PaymentsOutcome } from './run.ts';
import { loopbackOrigin } from './target.ts';

export class VerifyRequestError extends Error {
  constructor(path: string, status: number, body: string) {
    super(
      `GET ${path} answered ${status} during verification: ${body.slice(0, 200)}; is the service up and the API key right?`,
    );
    this.name = 'VerifyRequestError';
  }
}

export class VerifyOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerifyOptionsError';
  }
}

interface ApiPayment {
  readonly id: string;
  readonly metadata?: Record<string, string> | null;
}

async function getJson<T>(pool: Pool, path: string, apiKey: string): Promise<T> {
  const response = await pool.request({
    method: 'GET',
    path,
    headers: { authorization: `Bearer ${apiKey}` },
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new VerifyRequestError(path, response.statusCode, text);
  return JSON.parse(text) as T;
}

const keyOf = (payment: ApiPayment): string | null => payment.metadata?.[KEY_METADATA_FIELD] ?? null;

/** Every payment of the merchant, via `GET /v1/payments?limit=100&starting_after=…` pages. */
export async function listStoredPayments(target: string, apiKey: string): Promise<StoredPayment[]> {
  const pool = new Pool(loopbackOrigin(target), { connections: 1 });
  try {
    const stored: StoredPayment[] = [];
    for (let after: string | undefined; ;) {
      const page = await getJson<{ data: ApiPayment[]; has_more: boolean }>(
        pool,
        `/v1/payments?limit=100${after ? `&starting_after=${encodeURIComponent(after)}` : ''}`,
        apiKey,
      );
      for (const payment of page.data) stored.push({ id: payment.id, idempotencyKey: keyOf(payment) });
      const last = page.data.at(-1);
      if (!page.has_more || !last) return stored;
      after = last.id;
    }
  } finally {
    await pool.close();
  }
}

export interface VerifyOptions {
  /** Where the service answers (loopback). Needed unless `stored` is given and `fetchEach` is 0. */
  readonly target?: string;
  readonly apiKey?: string;
  readonly outcome: PaymentsOutcome;
  /** Source of stored payments; default: the API listing of the merchant. */
  readonly stored?: () => Promise<readonly StoredPayment[]>;
  /** Also GET /v1/payments/:id for up to this many acknowledged payments (default 200). */
  readonly fetchEach?: number;
  /** The merchant also has payments from elsewhere: do not count them as foreign. */
  readonly allowForeign?: boolean;
}

export interface VerifyResult extends LedgerCheck {
  /** Acknowledged payments read back one by one, and those that did not read back as acknowledged. */
  readonly fetched: number;
  readonly fetchFailures: readonly string[];
}

export async function verifyPayments(options: VerifyOptions): Promise<VerifyResult> {
  const { outcome } = options;
  const needsApi = !options.stored || (options.fetchEach ?? 200) > 0;
  if (needsApi && (!options.target || !options.apiKey)) {
    throw new VerifyOptionsError(
      'verifyPayments reads from the API here: pass target and apiKey, or pass stored and fetchEach: 0',
    );
  }
  const stored = options.stored ? await options.stored() : await listStoredPayments(options.target!, options.apiKey!);
  const check = checkLedger({
    succeeded: outcome.succeeded,
    attemptedKeys: outcome.attemptedKeys,
    stored,
    allowForeign: options.allowForeign,
  });

  const sample = [...outcome.succeeded].slice(0, options.fetchEach ?? 200);
  const fetchFailures: string[] = [];
  if (sample.length > 0) {
    const pool = new Pool(loopbackOrigin(options.target!), { connections: 4 });
    try {
      await Promise.all(
        [0, 1, 2, 3].map(async (lane) => {
          for (let i = lane; i < sample.length; i += 4) {
            const [key, id] = sample[i]!;
            const payment = await getJson<ApiPayment>(
              pool,
              `/v1/payments/${encodeURIComponent(id)}`,
              options.apiKey!,
            ).catch((error: Error) => error);
            if (payment instanceof Error) fetchFailures.push(`${key} → ${id}: ${payment.message}`);
            else if (payment.id !== id || keyOf(payment) !== key)
              fetchFailures.push(`${key} → ${id}: read back ${payment.id} with key ${keyOf(payment)}`);
          }
        }),
      );
    } finally {
      await pool.close();
    }
  }
  return { ...check, ok: check.ok && fetchFailures.length === 0, fetched: sample.length, fetchFailures };
}
