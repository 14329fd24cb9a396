// The local engine's HTTP API, shared by the server (api/server.ts), the CLI's client
// (api/client.ts) and the later web console. JSON in, JSON out, loopback only.
//
//   GET  /api/v1/engine                       → EngineInfo
//   GET  /api/v1/rollouts                     → { items: RolloutEntry[] }
//   GET  /api/v1/rollouts/:name               → RolloutEntry
//   POST /api/v1/rollouts/:name/promote       { full?: boolean }        → VerbResult
//   POST /api/v1/rollouts/:name/abort                                   → VerbResult
//   POST /api/v1/rollouts/:name/retry                                   → VerbResult
//   POST /api/v1/rollouts/:name/undo          { toRevision?: number }   → VerbResult
//   POST /api/v1/rollouts/:name/restart                                 → VerbResult
//   POST /api/v1/rollouts/:name/actions/:action  (Argo CD's resource actions: promote-full, resume,
//        abort, retry, restart; GitOps mode)      → { message, patch: { object?, status? } }, the
//        merge patches Argo CD sends for the same live object (gitops/actions)
//   GET  /api/v1/events[?rollout=name]        → text/event-stream, `event: rollout` + RolloutEntry
//
// Errors: { error: { code, message, fix? } } with 400/403/404/405/409/415/422/500/503; the code is
// a UserError's (src/errors.ts), or Internal for a bug.
import type { ApiErrorCode } from '../errors.ts';
// The engine's shapes (src/model.ts): the API serves what the engine is, not the reverse.
export type { EngineInfo, RolloutEntry } from '../model.ts';

export const API_PREFIX = '/api/v1';
export const DEFAULT_API_HOST = '127.0.0.1';
export const DEFAULT_API_PORT = 7070;

export interface VerbResult {
  /** One line, in the kubectl plugin's words, e.g. "rollout 'payments' promoted". */
  readonly message: string;
}

export const VERBS = ['promote', 'abort', 'retry', 'undo', 'restart'] as const;
export type Verb = (typeof VERBS)[number];

export type { ApiErrorCode } from '../errors.ts';

export const STATUS_OF: Readonly<Record<ApiErrorCode, number>> = {
  BadRequest: 400,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  Conflict: 409,
  VerbNotApplicable: 409,
  UnsupportedMediaType: 415,
  Invalid: 422,
  Internal: 500,
  ServiceUnavailable: 503,
};

export interface ApiErrorBody {
  readonly error: { readonly code: ApiErrorCode; readonly message: string; readonly fix?: string };
}
