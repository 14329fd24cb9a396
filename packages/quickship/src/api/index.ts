// The engine's loopback HTTP API: protocol (routes, shapes), server, and the client the CLI and
// the web console use.
export * from './protocol.ts';
export {
  startApiServer,
  toErrorBody,
  ApiRequestError,
  type ApiServer,
  type EngineApi,
  type StartApiServerOptions,
} from './server.ts';
export { LocalEngineClient, DEFAULT_API_URL } from './client.ts';
export { EngineApiError, EngineInternalError, EngineNotRunningError, RolloutNotFoundError } from './errors.ts';
export { readServerSentEvents, type ServerSentEvent } from './sse.ts';
