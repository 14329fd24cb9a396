// The CLI's client of the engine's GitOps routes (api/gitops-routes.ts): Applications and live
// objects over loopback HTTP, with the engine's JSON errors turned back into errors with a fix.
import type { KubeObject } from '../store/object.ts';
import type { HistoryEntry } from '../gitops/app-status.ts';
import { DEFAULT_API_URL } from './client.ts';
import { EngineApiError, EngineInternalError } from './errors.ts';
import { isOk, readBody, readErrorBody, sendToEngine } from './loopback-http.ts';
import { API_PREFIX } from './protocol.ts';

export interface ObjectAddress {
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export class GitOpsClient {
  readonly baseUrl: string;
  constructor(baseUrl: string = DEFAULT_API_URL) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async applications(): Promise<KubeObject[]> {
    return (await this.request<{ items: KubeObject[] }>('GET', '/applications')).items;
  }
  application(name: string): Promise<KubeObject> {
    return this.request('GET', `/applications/${encodeURIComponent(name)}`);
  }
  async diff(name: string): Promise<string> {
    return (await this.request<{ diff: string }>('GET', `/applications/${encodeURIComponent(name)}/diff`)).diff;
  }
  async sync(name: string, options: { readonly prune?: boolean; readonly revision?: string }): Promise<string> {
    return (await this.request<{ message: string }>('POST', `/applications/${encodeURIComponent(name)}/sync`, options))
      .message;
  }
  async history(name: string): Promise<HistoryEntry[]> {
    return (await this.request<{ items: HistoryEntry[] }>('GET', `/applications/${encodeURIComponent(name)}/history`))
      .items;
  }
  async rollback(name: string, id: number): Promise<string> {
    return (
      await this.request<{ message: string }>('POST', `/applications/${encodeURIComponent(name)}/rollback`, { id })
    ).message;
  }
  /** GET /analysisruns (both engine modes). */
  async analysisRuns(): Promise<KubeObject[]> {
    return (await this.request<{ items: KubeObject[] }>('GET', '/analysisruns')).items;
  }

  analysisRun(name: string): Promise<KubeObject> {
    return this.request<KubeObject>('GET', `/analysisruns/${encodeURIComponent(name)}`);
  }

  async objects(filter: { readonly kind?: string; readonly namespace?: string } = {}): Promise<KubeObject[]> {
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined) as [string, string][]);
    return (await this.request<{ items: KubeObject[] }>('GET', `/objects${query.size ? `?${query}` : ''}`)).items;
  }
  object(ref: ObjectAddress): Promise<KubeObject> {
    return this.request('GET', objectPath(ref));
  }
  patch(ref: ObjectAddress, patch: Record<string, unknown>, fieldManager: string): Promise<KubeObject> {
    return this.request(
      'PATCH',
      `${objectPath(ref)}?fieldManager=${encodeURIComponent(fieldManager)}`,
      patch,
      'application/merge-patch+json',
    );
  }
  async delete(ref: ObjectAddress): Promise<KubeObject> {
    return (await this.request<{ deleted: KubeObject }>('DELETE', objectPath(ref))).deleted;
  }

  private async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const res = await sendToEngine(this.baseUrl, API_PREFIX + path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), contentType }),
    });
    if (isOk(res)) return JSON.parse(await readBody(res)) as T;
    const parsed = await readErrorBody(res);
    const code = parsed.error?.code ?? 'Internal';
    const message = parsed.error?.message ?? `engine API answered ${res.statusCode}`;
    if (code === 'Internal') throw new EngineInternalError(message);
    throw new EngineApiError(code, message, parsed.error?.fix);
  }
}

export function objectPath(ref: ObjectAddress): string {
  return `/objects/${ref.group === '' ? 'core' : encodeURIComponent(ref.group)}/${encodeURIComponent(ref.kind)}/${ref.namespace ? encodeURIComponent(ref.namespace) : '-'}/${encodeURIComponent(ref.name)}`;
}
