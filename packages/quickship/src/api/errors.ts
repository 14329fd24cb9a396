// Errors of the engine API, shared by the engine (which raises RolloutNotFoundError) and the client.

export class EngineNotRunningError extends Error {
  readonly fix = 'start it with `npx quickship up` (or `npm start`), or pass --api <url>';
  constructor(readonly url: string) {
    super(`no quickship engine answers at ${url}`);
    this.name = 'EngineNotRunningError';
  }
}

export class RolloutNotFoundError extends Error {
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'RolloutNotFoundError';
  }
}

/** An error the engine reported, with its API code. */
export class EngineApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly fix?: string,
  ) {
    super(message);
    this.name = code === 'Internal' ? 'EngineInternalError' : 'EngineApiError';
  }
}
