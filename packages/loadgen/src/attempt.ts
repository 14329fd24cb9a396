// One HTTP attempt over a keep-alive pool: send, read the whole answer, classify. Never throws.
import type { Dispatcher } from 'undici';
import { errorCode, transportPhase, type AttemptOutcome } from './outcome.ts';
import type { PlannedRequest } from './workload.ts';

export interface AttemptResult {
  readonly outcome: AttemptOutcome;
  readonly latencyMs: number;
  /** The server asked to close the connection after this response (draining, Connection: close). */
  readonly connectionClose: boolean;
  /** `id` of a JSON 2xx body (the payment id for payments). */
  readonly resourceId?: string;
  /** The replay marker of Stripe-style idempotency. */
  readonly replayed: boolean;
}

function jsonField(text: string, pick: (value: Record<string, unknown>) => unknown): string | undefined {
  try {
    const value = pick(JSON.parse(text) as Record<string, unknown>);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export async function sendAttempt(
  pool: Dispatcher,
  request: PlannedRequest,
  timeoutMs: number,
): Promise<AttemptResult> {
  const started = performance.now();
  try {
    const response = await pool.request({
      method: request.method,
      path: request.path,
      headers: request.headers,
      body: request.body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    // GET bodies of a 2xx are not needed: drain them without decoding.
    const text = ok && request.method === 'GET' ? (await response.body.dump(), '') : await response.body.text();
    const latencyMs = performance.now() - started;
    const errorType = ok ? undefined : jsonField(text, (v) => (v.error as Record<string, unknown> | undefined)?.type);
    return {
      outcome:
        errorType === undefined
          ? { kind: 'response', status: response.statusCode }
          : { kind: 'response', status: response.statusCode, errorType },
      latencyMs,
      connectionClose: String(response.headers.connection ?? '').toLowerCase() === 'close',
      resourceId: ok && text ? jsonField(text, (v) => v.id) : undefined,
      replayed: response.headers['idempotent-replayed'] === 'true',
    };
  } catch (error) {
    const code = errorCode(error);
    return {
      outcome: { kind: 'transport', code, phase: transportPhase(code) },
      latencyMs: performance.now() - started,
      connectionClose: false,
      replayed: false,
    };
  }
}
