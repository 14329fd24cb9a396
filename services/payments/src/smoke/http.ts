// A minimal JSON client for the payments API: every response is kept whole (status, headers,
// raw text) because the idempotency check compares replayed bodies byte for byte.
import type { SmokeConfig } from './config.ts';

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly idempotencyKey?: string;
  /** false sends no Authorization header (to check the 401). */
  readonly authenticate?: boolean;
}

export type ApiClient = (method: 'GET' | 'POST', path: string, options?: RequestOptions) => Promise<ApiResponse>;

export function createApiClient(config: SmokeConfig): ApiClient {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.authenticate !== false) headers.authorization = `Bearer ${config.apiKey}`;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(config.targetUrl + path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(config.requestTimeoutMs),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
}
