// Errors of the engine API's client. The errors the engine raises (RolloutNotFoundError,
// PortInUseError) live in src/errors.ts, below the engine, and are re-exported here.
import { UserError, type ApiErrorCode, type UserErrorCode } from '../errors.ts';

export { PortInUseError, RolloutNotFoundError } from '../errors.ts';

export class EngineNotRunningError extends UserError {
  override readonly code = 'ServiceUnavailable';
  constructor(readonly url: string) {
    super(
      `no quickship engine answers at ${url}`,
      'start it with `npx quickship up` (or `npm start`), or pass --api <url>',
    );
    this.name = 'EngineNotRunningError';
  }
}

/** An error the engine reported, with its API code. */
export class EngineApiError extends UserError {
  constructor(
    override readonly code: UserErrorCode,
    message: string,
    fix?: string,
  ) {
    super(message, fix);
    this.name = 'EngineApiError';
  }
}

/** The engine answered 500: a bug in the engine (its log holds the stack). Not a UserError. */
export class EngineInternalError extends Error {
  readonly code: ApiErrorCode = 'Internal';
  constructor(message: string) {
    super(`the engine failed: ${message} (a bug in quickship; its log has the stack)`);
    this.name = 'EngineInternalError';
  }
}
