// The Dockerfile reader's one error: the message names the line and what is wrong, `fix` what to do.
import { UserError } from '../errors.ts';

/** A Dockerfile the local build cannot read, or one whose image config or bundle step it cannot derive. */
export class DockerfileError extends UserError {
  constructor(
    message: string,
    override readonly fix: string,
  ) {
    super(`${message}; ${fix}`);
    this.name = 'DockerfileError';
  }
}
