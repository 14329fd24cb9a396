// The API's error model, Stripe's: every failure is {"error":{type, code, message, param?}}.
// Each kind is a small class so code throws what happened and the HTTP layer only renders it.
// Types and codes follow https://docs.stripe.com/api/errors and https://docs.stripe.com/error-codes.

export type ErrorType =
  'invalid_request_error' | 'authentication_error' | 'card_error' | 'idempotency_error' | 'api_error';

export interface ErrorBody {
  readonly type: ErrorType;
  readonly code: string;
  readonly message: string;
  readonly param?: string;
  /** A declined payment that was stored (402 from the processor). */
  readonly payment?: unknown;
}

export abstract class ApiError extends Error {
  abstract readonly statusCode: number;
  abstract readonly type: ErrorType;
  constructor(
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toBody(): ErrorBody {
    return {
      type: this.type,
      code: this.code,
      message: this.message,
      ...(this.param === undefined ? {} : { param: this.param }),
    };
  }
}

/** 400: a parameter is missing, unknown or invalid, or the request conflicts with the resource's state. */
export class InvalidRequestError extends ApiError {
  readonly statusCode: number = 400;
  readonly type = 'invalid_request_error' as const;
}

/** 404: no such resource for this merchant (another merchant's id is indistinguishable from none). */
export class ResourceMissingError extends InvalidRequestError {
  override readonly statusCode = 404;
  constructor(message: string, param?: string) {
    super('resource_missing', message, param);
  }
}

/** 413 / 415: the body itself cannot be read. */
export class BodyError extends InvalidRequestError {
  constructor(
    override readonly statusCode: number,
    code: string,
    message: string,
  ) {
    super(code, message);
  }
}

export class AuthenticationError extends ApiError {
  readonly statusCode = 401;
  readonly type = 'authentication_error' as const;
}

/** 402: the card was rejected, locally (number, brand, expiry) or by the processor (declines). */
export class CardError extends ApiError {
  readonly statusCode = 402;
  readonly type = 'card_error' as const;
  constructor(
    code: string,
    message: string,
    param?: string,
    readonly payment?: unknown,
  ) {
    super(code, message, param);
  }

  override toBody(): ErrorBody {
    return this.payment === undefined ? super.toBody() : { ...super.toBody(), payment: this.payment };
  }
}

/** 400 (key reused with other parameters, malformed key) or 409 (the first request is still running). */
export class IdempotencyError extends ApiError {
  readonly type = 'idempotency_error' as const;
  constructor(
    readonly statusCode: 400 | 409,
    code: string,
    message: string,
  ) {
    super(code, message);
  }
}

/** 500 (bug, injected fault) or 503 (database unreachable or overloaded: retry with the same key). */
export class ServiceError extends ApiError {
  readonly type = 'api_error' as const;
  constructor(
    readonly statusCode: 500 | 503,
    code: string,
    message: string,
  ) {
    super(code, message);
  }
}
