// Operations endpoints, outside /v1 (no auth, no injected faults): liveness, readiness, build
// identity and Prometheus metrics.
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { Metrics } from '../http/metrics.ts';
import type { Lifecycle } from '../http/lifecycle.ts';
import { readSchemaState } from '../migrate.ts';
import { CODE_SCHEMA_VERSION, schemaSupport } from '../schema-version.ts';

export interface OpsDeps {
  readonly lifecycle: Lifecycle;
  /** A small pool of its own, so a saturated API pool does not fail readiness by itself. */
  readonly healthPool: pg.Pool;
  readonly metrics: Metrics;
  readonly version: string;
  readonly commit: string;
  readonly isBootstrapped: () => boolean;
}

type Readiness = { status: 'ready'; schema_version: number } | { status: 'not_ready'; reason: string };

export async function checkReadiness(
  deps: Pick<OpsDeps, 'lifecycle' | 'healthPool' | 'isBootstrapped'>,
): Promise<Readiness> {
  if (deps.lifecycle.draining)
    return { status: 'not_ready', reason: 'draining: shutting down after SIGTERM, finishing in-flight requests' };
  let state;
  try {
    state = await readSchemaState(deps.healthPool);
  } catch (error) {
    return { status: 'not_ready', reason: `database unavailable: ${(error as Error).message}` };
  }
  const support = schemaSupport(state);
  if (!support.supported) return { status: 'not_ready', reason: `schema unsupported: ${support.reason}` };
  if (!deps.isBootstrapped())
    return { status: 'not_ready', reason: 'starting: API keys and secrets are not loaded yet' };
  return { status: 'ready', schema_version: state!.version };
}

export async function opsRoutes(app: FastifyInstance, deps: OpsDeps): Promise<void> {
  const startedAt = deps.lifecycle.startedAt.toISOString();

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const readiness = await checkReadiness(deps);
    return reply.code(readiness.status === 'ready' ? 200 : 503).send(readiness);
  });

  app.get('/version', async () => ({
    service: 'payments',
    version: deps.version,
    commit: deps.commit,
    started_at: startedAt,
    schema_version: CODE_SCHEMA_VERSION,
  }));

  app.get('/metrics', async (_request, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );
}
