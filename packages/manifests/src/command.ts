// The render command: `render` writes deploy/, `render --check` lists the files that differ
// from what the code renders and fails (the CI drift check); `--root <dir>` acts on another
// checkout. Returns the exit code; output goes through `io`, so tests run it in-process.
import { EnvironmentInvariantError, ImageReferenceError, LayoutError, SchemaValidationError } from './errors.ts';
import { checkDeploy, REPO_ROOT, writeDeploy } from './deploy-fs.ts';

export interface CommandIo {
  readonly log: (line: string) => void;
  readonly error: (line: string) => void;
}

const USAGE = 'usage: npm run render [-- --check] [--root <repository>]';

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): { check: boolean; root: string } {
  let check = false;
  let root = REPO_ROOT;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === 'render') continue;
    else if (arg === '--check') check = true;
    else if (arg === '--root' && argv[i + 1] !== undefined) root = argv[++i] ?? root;
    else throw new UsageError(`unknown argument ${JSON.stringify(arg)}\n${USAGE}`);
  }
  return { check, root };
}

const plural = (n: number): string => `${n} file${n === 1 ? '' : 's'}`;

function run(argv: readonly string[], io: CommandIo): number {
  const { check, root } = parseArgs(argv);
  if (check) {
    const differences = checkDeploy(root);
    if (differences.length === 0) {
      io.log('deploy/ is up to date');
      return 0;
    }
    io.error(`deploy/ differs from what packages/manifests renders (${plural(differences.length)}):`);
    for (const { path, problem } of differences) io.error(`  ${problem.padEnd(12)} ${path}`);
    io.error('fix: run npm run render and commit deploy/');
    return 1;
  }
  const changed = writeDeploy(root);
  for (const { path, problem } of changed)
    io.log(`${problem === 'not rendered' ? 'removed' : problem === 'missing' ? 'created' : 'updated'} ${path}`);
  io.log(changed.length === 0 ? 'deploy/ is up to date' : `deploy/: ${plural(changed.length)} changed`);
  return 0;
}

/** One catch sorts errors: a user error prints its message (which names the fix), anything else its stack. */
export function renderCommand(
  argv: readonly string[],
  io: CommandIo = { log: console.log, error: console.error },
): number {
  try {
    return run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.error(`render: ${error.message}`);
      return 2;
    }
    const userError = [EnvironmentInvariantError, ImageReferenceError, LayoutError, SchemaValidationError].some(
      (kind) => error instanceof kind,
    );
    if (userError && error instanceof Error) {
      io.error(`render: ${error.message}`);
      return 1;
    }
    io.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 70;
  }
}
