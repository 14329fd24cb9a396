// The GitOps layer's errors name their API code at the throw site (new UserError(message, fix,
// 'NotFound')); this is the one UserError of src/errors.ts with that constructor, so the CLI and
// the API sort them with the same instanceof as every other user error.
import { UserError as BaseUserError, type UserErrorCode } from '../errors.ts';

export type { UserErrorCode };

export class UserError extends BaseUserError {
  override readonly code: UserErrorCode;

  constructor(message: string, fix: string, code: UserErrorCode = 'BadRequest') {
    super(message, fix);
    this.code = code;
    this.name = new.target.name;
  }
}
