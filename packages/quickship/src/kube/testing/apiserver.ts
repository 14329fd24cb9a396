// A loopback stand-in for the Kubernetes API server, for tests: serves the given objects on the
// real API paths (Rollout custom objects, apps/v1 ReplicaSets, v1 Pods, label selectors) and
// records every request, so a test can assert exactly what the Kubernetes target sent.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../objects.ts';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

export interface ApiServerOptions {
  readonly rollouts: readonly KubeObject[];
  readonly replicaSets: readonly KubeObject[];
  readonly pods: readonly KubeObject[];
  /** false: PATCH …/status answers 404, as a cluster without the Rollout status subresource. */
  readonly statusSubresource?: boolean;
}

export interface LoopbackApiServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Requests other than GETs: the mutations. */
  patches(): RecordedRequest[];
  close(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<LoopbackApiServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = await readBody(req);
      let body: unknown = undefined;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      requests.push({
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        contentType: req.headers['content-type'],
        authorization: req.headers.authorization,
        body,
      });
      const [status, payload] = route(req.method ?? '', url, options);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    patches: () => requests.filter((request) => request.method !== 'GET'),
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function route(method: string, url: URL, options: ApiServerOptions): [number, unknown] {
  const rollout = /^\/apis\/argoproj\.io\/v1alpha1\/namespaces\/([^/]+)\/rollouts(?:\/([^/]+))?(\/status)?$/.exec(
    url.pathname,
  );
  if (rollout) {
    const [, namespace, name, status] = rollout;
    const inNamespace = options.rollouts.filter((object) => object.metadata?.namespace === namespace);
    if (!name)
      return method === 'GET'
        ? [200, { apiVersion: 'argoproj.io/v1alpha1', kind: 'RolloutList', metadata: {}, items: inNamespace }]
        : notFound(url);
    const found = inNamespace.find((object) => object.metadata?.name === name);
    if (!found) return notFound(url);
    if (method === 'PATCH' && status && options.statusSubresource === false) return notFound(url);
    if (method === 'GET' || method === 'PATCH') return [200, found];
    return [405, { kind: 'Status', status: 'Failure', code: 405, message: `${method} not allowed` }];
  }
  const list = /^\/(?:apis\/apps\/v1|api\/v1)\/namespaces\/([^/]+)\/(replicasets|pods)$/.exec(url.pathname);
  if (list && method === 'GET') {
    const [, namespace, resource] = list;
    const source = resource === 'pods' ? options.pods : options.replicaSets;
    const selector = parseSelector(url.searchParams.get('labelSelector') ?? '');
    const items = source.filter(
      (object) =>
        object.metadata?.namespace === namespace &&
        Object.entries(selector).every(([key, value]) => object.metadata?.labels?.[key] === value),
    );
    return [
      200,
      {
        apiVersion: resource === 'pods' ? 'v1' : 'apps/v1',
        kind: resource === 'pods' ? 'PodList' : 'ReplicaSetList',
        metadata: {},
        items,
      },
    ];
  }
  return notFound(url);
}

/** Equality-based selectors only (`a=b,c=d`), which is what the Rollout's matchLabels produce. */
function parseSelector(selector: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of selector.split(',').filter(Boolean)) {
    const [key, value] = part.split('=');
    if (key === undefined || value === undefined) throw new Error(`test apiserver: unsupported selector "${part}"`);
    out[key] = value;
  }
  return out;
}

function notFound(url: URL): [number, unknown] {
  return [
    404,
    {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: `${url.pathname} not found`,
    },
  ];
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
