// The GitOps part of the engine API: Applications as Argo CD serves them (`/applications`,
// with diff, sync, history and rollback), and every live object in its Kubernetes shape
// (`/objects`), changeable only with a JSON merge patch or a delete — the way `kubectl patch`
// and `kubectl delete` change a cluster — plus a watch stream of every change.
//
//   GET    /api/v1/applications                         → { items: Application[] }
//   GET    /api/v1/applications/:name                   → Application
//   GET    /api/v1/applications/:name/diff              → { diff: string }
//   POST   /api/v1/applications/:name/sync              { prune?: boolean, revision?: string } → { message }
//   GET    /api/v1/applications/:name/history           → { items: HistoryEntry[] }
//   POST   /api/v1/applications/:name/rollback          { id: number } → { message }
//   POST   /api/v1/applications/:name/revert            → { message }  (a revert commit of the last
//          release in the Application's repository: the GitOps rollback under auto-sync)
//   GET    /api/v1/objects[?kind=&namespace=]           → { items: object[] }
//   GET    /api/v1/objects/:group/:kind/:namespace/:name → object   (group "core" for "", namespace "-" for none)
//   PATCH  same, Content-Type application/merge-patch+json → object
//   DELETE same                                           → { deleted: object }
//   GET    /api/v1/watch                                 → text/event-stream, `event: ADDED|MODIFIED|DELETED`, data { object, manager }
import { UserError } from '../errors.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppController } from '../gitops/app-controller.ts';
import type { ObjectStore, ObjectRef } from '../store/object-store.ts';

export interface GitOpsApi {
  applicationController(): AppController;
  liveStore(): ObjectStore;
  revertLastRelease(app: string): Promise<{ message: string }>;
}

/** The manager name imperative API changes are recorded under (kubectl's default for patch). */
export const API_PATCH_MANAGER = 'quickship-api';

export class GitOpsRouteError extends UserError {
  constructor(
    override readonly code: 'BadRequest' | 'NotFound' | 'MethodNotAllowed' | 'UnsupportedMediaType',
    message: string,
    override readonly fix?: string,
  ) {
    super(message);
    this.name = 'GitOpsRouteError';
  }
}

type Send = (res: ServerResponse, status: number, body: unknown) => void;
type ReadBody = (req: IncomingMessage, contentTypes?: RegExp) => Promise<Record<string, unknown>>;

/** Handles the route if it is one of these; returns false when it is not. */
export async function handleGitOps(
  engine: GitOpsApi,
  parts: readonly string[],
  method: string,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
  io: {
    readonly send: Send;
    readonly readBody: ReadBody;
    readonly streams: Set<ServerResponse>;
    readonly heartbeatMs: number;
  },
): Promise<boolean> {
  const [head, name, sub] = parts;
  if (head === 'applications') {
    const apps = engine.applicationController();
    if (parts.length === 1) return only(method, 'GET', () => io.send(res, 200, { items: apps.applications() }));
    if (parts.length === 2) return only(method, 'GET', () => io.send(res, 200, apps.application(name!)));
    if (parts.length === 3 && sub === 'diff')
      return only(method, 'GET', () => io.send(res, 200, { diff: apps.diff(name!) }));
    if (parts.length === 3 && sub === 'history')
      return only(method, 'GET', () => io.send(res, 200, { items: apps.history(name!) }));
    if (parts.length === 3 && sub === 'sync') {
      if (method !== 'POST') throw new GitOpsRouteError('MethodNotAllowed', 'use POST here');
      const body = await io.readBody(req);
      if (body.prune !== undefined && typeof body.prune !== 'boolean')
        throw new GitOpsRouteError('BadRequest', `"prune" must be a boolean, got ${JSON.stringify(body.prune)}`);
      if (body.revision !== undefined && (typeof body.revision !== 'string' || body.revision === ''))
        throw new GitOpsRouteError(
          'BadRequest',
          `"revision" must be a branch, tag or commit, got ${JSON.stringify(body.revision)}`,
        );
      const message = await apps.sync(name!, {
        ...(typeof body.prune === 'boolean' ? { prune: body.prune } : {}),
        ...(typeof body.revision === 'string' ? { revision: body.revision } : {}),
      });
      io.send(res, 200, { message });
      return true;
    }
    if (parts.length === 3 && sub === 'revert') {
      if (method !== 'POST') throw new GitOpsRouteError('MethodNotAllowed', 'use POST here');
      await io.readBody(req);
      io.send(res, 200, await engine.revertLastRelease(name!));
      return true;
    }
    if (parts.length === 3 && sub === 'rollback') {
      if (method !== 'POST') throw new GitOpsRouteError('MethodNotAllowed', 'use POST here');
      const body = await io.readBody(req);
      if (!(typeof body.id === 'number' && Number.isInteger(body.id) && body.id >= 0))
        throw new GitOpsRouteError(
          'BadRequest',
          `"id" must be a history id (an integer ≥ 0), got ${JSON.stringify(body.id)}`,
          `see GET .../applications/${name}/history`,
        );
      io.send(res, 200, { message: await apps.rollback(name!, body.id) });
      return true;
    }
    return false;
  }
  if (head === 'objects') {
    const store = engine.liveStore();
    if (parts.length === 1) {
      return only(method, 'GET', () => {
        const kind = url.searchParams.get('kind') ?? undefined;
        const namespace = url.searchParams.get('namespace') ?? undefined;
        io.send(res, 200, { items: store.list({ ...(kind ? { kind } : {}), ...(namespace ? { namespace } : {}) }) });
      });
    }
    if (parts.length !== 5)
      throw new GitOpsRouteError(
        'NotFound',
        'objects are addressed as /objects/<group|core>/<Kind>/<namespace|->/<name>',
      );
    const ref: ObjectRef = {
      group: parts[1] === 'core' ? '' : parts[1]!,
      kind: parts[2]!,
      ...(parts[3] === '-' ? {} : { namespace: parts[3]! }),
      name: parts[4]!,
    };
    if (method === 'GET') return (io.send(res, 200, store.mustGet(ref)), true);
    if (method === 'PATCH') {
      const patch = await io.readBody(req, /^application\/(merge-patch\+)?json\b/i);
      const manager = url.searchParams.get('fieldManager') || API_PATCH_MANAGER;
      io.send(res, 200, store.patch(ref, patch, manager));
      return true;
    }
    if (method === 'DELETE') {
      store.mustGet(ref);
      io.send(res, 200, { deleted: store.delete(ref, API_PATCH_MANAGER) });
      return true;
    }
    throw new GitOpsRouteError('MethodNotAllowed', 'use GET, PATCH (application/merge-patch+json) or DELETE here');
  }
  if (head === 'watch' && parts.length === 1) {
    if (method !== 'GET') throw new GitOpsRouteError('MethodNotAllowed', 'use GET here');
    const store = engine.liveStore();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const unwatch = store.watch((event) =>
      res.write(`event: ${event.type}\ndata: ${JSON.stringify({ object: event.object, manager: event.manager })}\n\n`),
    );
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), io.heartbeatMs);
    io.streams.add(res);
    res.on('close', () => {
      clearInterval(heartbeat);
      unwatch();
      io.streams.delete(res);
    });
    return true;
  }
  return false;
}

function only(method: string, allowed: string, run: () => void): true {
  if (method !== allowed) throw new GitOpsRouteError('MethodNotAllowed', `use ${allowed} here`);
  run();
  return true;
}
