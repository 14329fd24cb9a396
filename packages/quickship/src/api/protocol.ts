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
//   GET  /api/v1/events[?rollout=name]        → text/event-stream, `event: rollout` + RolloutEntry
//
// Errors: { error: { code, message, fix? } } with 400/403/404/405/409/415/500.
import type { RolloutObject, RolloutView } from '../model.ts';

export const API_PREFIX = '/api/v1';
export const DEFAULT_API_HOST = '127.0.0.1';
export const DEFAULT_API_PORT = 7070;

export interface RolloutEntry {
  readonly rollout: RolloutObject | Record<string, unknown>;
  readonly view: RolloutView;
}

export interface VerbResult {
  /** One line, in the kubectl plugin's words, e.g. "rollout 'payments' promoted". */
  readonly message: string;
}

export interface EngineInfo {
  readonly pid: number;
  readonly startedAt: string;
  readonly deployDir: string;
  readonly stateDir: string;
  /** Router URL per Service name, e.g. { "payments-active": "http://127.0.0.1:8080" }. */
  readonly services: Readonly<Record<string, string>>;
  /** Objects found in deploy/ that only mean something in a cluster. */
  readonly clusterOnly: readonly string[];
}

export const VERBS = ['promote', 'abort', 'retry', 'undo', 'restart'] as const;
export type Verb = (typeof VERBS)[number];

export type ApiErrorCode =
  | 'BadRequest'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'VerbNotApplicable'
  | 'Conflict'
  | 'UnsupportedMediaType'
  | 'Internal';

export const STATUS_OF: Readonly<Record<ApiErrorCode, number>> = {
  BadRequest: 400,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  VerbNotApplicable: 409,
  Conflict: 409,
  UnsupportedMediaType: 415,
  Internal: 500,
};

export interface ApiErrorBody {
  readonly error: { readonly code: ApiErrorCode; readonly message: string; readonly fix?: string };
}
