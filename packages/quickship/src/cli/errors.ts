// One top-level catch sorts errors (as changesets does): a user error (src/errors.ts UserError)
// prints its message and the command that fixes it and exits 1; anything else is a bug, printed
// with its stack, exit 2.
import { UserError } from '../errors.ts';
import { printErrorLine } from './output.ts';

export { UserError } from '../errors.ts';

/** Prints the error for a human and returns the process exit code. */
export function reportError(error: unknown, write: (line: string) => void = printErrorLine): number {
  if (error instanceof UserError) {
    write(`error: ${error.message}`);
    if (error.fix) write(`  fix: ${error.fix}`);
    return 1;
  }
  write('internal error (a bug in quickship; please report it with the stack below):');
  write(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return 2;
}
