// Errors of the engine API, shared by the engine (which raises RolloutNotFoundError) and the client.

export class EngineNotRunningError extends Error {
  readonly fix = 'start it with `npx quickship up` (or `npm start`), or pass --api <url>';
  constructor(readonly url: string) {
    super(`no quickship engine answers at ${url}`);
    this.name = 'EngineNotRunningError';
  }
}

/** A loopback port the engine needs (a Service's or the API's) is taken, usually by another engine. */
export class PortInUseError extends Error {
  readonly fix: string;
  constructor(what: string, flag: string) {
    super(`${what} is already in use (another \`quickship up\`?)`);
    this.name = 'PortInUseError';
    this.fix = `stop the other engine, or pass ${flag} <port>`;
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
