// The CLI's (and tests') client of the engine API: a RolloutTarget over loopback HTTP.
import { VerbNotApplicableError, type AlertsResponse, type RolloutTarget } from '../model.ts';
import {
  API_PREFIX,
  DEFAULT_API_HOST,
  DEFAULT_API_PORT,
  type EngineInfo,
  type RolloutEntry,
  type Verb,
} from './protocol.ts';
import type { IncomingMessage } from 'node:http';
import { readServerSentEvents } from './sse.ts';
import { EngineApiError, EngineInternalError, RolloutNotFoundError } from './errors.ts';
import { isOk, readBody, readErrorBody, sendToEngine } from './loopback-http.ts';

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
    let res: IncomingMessage;
    try {
      res = await sendToEngine(this.baseUrl, `${API_PREFIX}/events${query}`, {
        method: 'GET',
        accept: 'text/event-stream',
        signal,
      });
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
    if (!isOk(res)) throw await this.toError(res);
    try {
      for await (const event of readServerSentEvents(res, signal)) {
        if (event.event === 'rollout') yield JSON.parse(event.data) as RolloutEntry;
      }
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    } finally {
      res.destroy();
    }
  }

  private async verb(name: string, verb: Verb, body: Record<string, unknown>): Promise<string> {
    return (await this.request<{ message: string }>('POST', `/rollouts/${encodeURIComponent(name)}/${verb}`, body))
      .message;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await sendToEngine(this.baseUrl, API_PREFIX + path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), contentType: 'application/json' }),
    });
    if (!isOk(res)) throw await this.toError(res);
    return JSON.parse(await readBody(res)) as T;
  }

  private async toError(res: IncomingMessage): Promise<Error> {
    const body = await readErrorBody(res);
    const message = body.error?.message ?? `engine API answered ${res.statusCode} ${res.statusMessage}`;
    const code = body.error?.code ?? 'Internal';
    if (code === 'Internal') return new EngineInternalError(message);
    if (code === 'VerbNotApplicable') return new VerbNotApplicableError(message);
    if (code === 'NotFound') return new RolloutNotFoundError(message, body.error?.fix);
    return new EngineApiError(code, message, body.error?.fix);
  }
}
