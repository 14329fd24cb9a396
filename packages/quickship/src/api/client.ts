// The CLI's (and tests') client of the engine API: a RolloutTarget over loopback HTTP.
import { VerbNotApplicableError, type AlertsResponse, type RolloutTarget } from '../model.ts';
import {
  API_PREFIX,
  DEFAULT_API_HOST,
  DEFAULT_API_PORT,
  type ApiErrorBody,
  type EngineInfo,
  type RolloutEntry,
  type Verb,
} from './protocol.ts';
import { readServerSentEvents } from './sse.ts';
import { EngineApiError, EngineInternalError, EngineNotRunningError, RolloutNotFoundError } from './errors.ts';

export const DEFAULT_API_URL = `http://${DEFAULT_API_HOST}:${DEFAULT_API_PORT}`;

export class LocalEngineClient implements RolloutTarget {
  readonly baseUrl: string;
  constructor(baseUrl: string = DEFAULT_API_URL) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  info(): Promise<EngineInfo> {
    return this.request<EngineInfo>('GET', '/engine');
  }

  /** The local Prometheus' pending and firing alerts. */
  alerts(): Promise<AlertsResponse> {
    return this.request<AlertsResponse>('GET', '/alerts');
  }

  async list(): Promise<readonly RolloutEntry[]> {
    return (await this.request<{ items: RolloutEntry[] }>('GET', '/rollouts')).items;
  }

  get(name: string): Promise<RolloutEntry> {
    return this.request<RolloutEntry>('GET', `/rollouts/${encodeURIComponent(name)}`);
  }

  promote(name: string, options: { readonly full: boolean }): Promise<string> {
    return this.verb(name, 'promote', options.full ? { full: true } : {});
  }
  abort(name: string): Promise<string> {
    return this.verb(name, 'abort', {});
  }
  retry(name: string): Promise<string> {
    return this.verb(name, 'retry', {});
  }
  undo(name: string, options: { readonly toRevision?: number }): Promise<string> {
    return this.verb(name, 'undo', options.toRevision === undefined ? {} : { toRevision: options.toRevision });
  }
  restart(name: string): Promise<string> {
    return this.verb(name, 'restart', {});
  }

  /** Rollout changes as they happen (the current state first); ends when `signal` aborts. */
  async *watch(name: string | undefined, signal: AbortSignal): AsyncGenerator<RolloutEntry> {
    const query = name ? `?rollout=${encodeURIComponent(name)}` : '';
    const res = await this.fetch(`${API_PREFIX}/events${query}`, {
      method: 'GET',
      headers: { accept: 'text/event-stream' },
      signal,
    });
    if (!res.ok || !res.body) throw await this.toError(res);
    try {
      for await (const event of readServerSentEvents(res.body, signal)) {
        if (event.event === 'rollout') yield JSON.parse(event.data) as RolloutEntry;
      }
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
  }

  private async verb(name: string, verb: Verb, body: Record<string, unknown>): Promise<string> {
    return (await this.request<{ message: string }>('POST', `/rollouts/${encodeURIComponent(name)}/${verb}`, body))
      .message;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetch(API_PREFIX + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw await this.toError(res);
    return (await res.json()) as T;
  }

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(this.baseUrl + path, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      if (cause && ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND'].includes(cause.code ?? ''))
        throw new EngineNotRunningError(this.baseUrl);
      throw error;
    }
  }

  private async toError(res: Response): Promise<Error> {
    let body: Partial<ApiErrorBody> = {};
    try {
      body = (await res.json()) as ApiErrorBody;
    } catch {
      // not JSON: fall through to the status line
    }
    const message = body.error?.message ?? `engine API answered ${res.status} ${res.statusText}`;
    const code = body.error?.code ?? 'Internal';
    if (code === 'Internal') return new EngineInternalError(message);
    if (code === 'VerbNotApplicable') return new VerbNotApplicableError(message);
    if (code === 'NotFound') return new RolloutNotFoundError(message, body.error?.fix);
    return new EngineApiError(code, message, body.error?.fix);
  }
}
