// The `quickship` entry: parse, run, and sort errors in one place.
import { CommanderError } from 'commander';
import { buildProgram } from './program.ts';
import { reportError } from './errors.ts';

export async function main(argv: readonly string[] = process.argv): Promise<number> {
  try {
    const program = buildProgram(argv);
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    // commander already printed usage errors and help; only its exit code matters here.
    if (error instanceof CommanderError) return error.exitCode;
    return reportError(error);
  }
}
