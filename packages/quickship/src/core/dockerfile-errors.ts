// The Dockerfile reader's one error: the message names the line and what is wrong, `fix` what to do.

/** A Dockerfile the local build cannot read, or one whose image config or bundle step it cannot derive. */
export class DockerfileError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(`${message}; ${fix}`);
    this.name = 'DockerfileError';
  }
}
