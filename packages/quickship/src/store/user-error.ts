// The base of every error a user can act on: what went wrong, the command or change that fixes
// it, and the API error code it maps to. (The CLI prints message and fix and exits 1; the API
// answers { error: { code, message, fix } } with the code's status.)
export type UserErrorCode = 'BadRequest' | 'NotFound' | 'Conflict' | 'VerbNotApplicable' | 'Forbidden';

export class UserError extends Error {
  constructor(
    message: string,
    readonly fix: string,
    readonly code: UserErrorCode = 'BadRequest',
  ) {
    super(message);
    this.name = new.target.name;
  }
}
