// One top-level catch sorts errors (as changesets does): a user error prints its message and the
// command that fixes it and exits 1; anything else is a bug, printed with its stack, exit 2.
import { VerbNotApplicableError } from '../model.ts';

/** An error the user can fix: the message names the bad value, `fix` the next command to run. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * Error classes from other modules that describe a mistake in the input or the environment, not
 * a bug: bad manifests (core), builds and images (runtime), the cluster (kube), releases. Any
 * error carrying a `fix` string is a user error too.
 */
const USER_ERROR_NAMES = new Set([
  // core: manifests
  'ManifestParseError',
  'ManifestObjectError',
  'MissingFieldError',
  'InvalidFieldError',
  'UnsupportedStrategyError',
  'UnsupportedFieldError',
  'NamedPortNotFoundError',
  'InvalidImageNameError',
  // runtime: registry and builds
  'BuildError',
  'TagImmutableError',
  'ImagePullError',
  // engine, API, PostgreSQL
  'DeployDirNotFoundError',
  'NoRolloutError',
  'SeveralRolloutsError',
  'MigrationFailedError',
  'StateFileError',
  'InvalidSecretsFileError',
  'PortInUseError',
  'PostgresNotInstalledError',
  'EngineNotRunningError',
  'EngineApiError',
  'RolloutNotFoundError',
  // kube and release
  'KubeTargetUnavailableError',
  'KubeApiError',
  'DirtyReleaseFilesError',
  'ReleaseGitError',
  'ReleaseValidationError',
  'UnexpandedImageReferenceError',
  'WrongImageRepositoryError',
  'UnknownEnvironmentError',
  'ImageReferenceError',
  'LocalImageNotBuiltError',
]);

export function isUserError(error: unknown): error is Error & { fix?: string } {
  if (error instanceof UserError || error instanceof VerbNotApplicableError) return true;
  if (!(error instanceof Error)) return false;
  return USER_ERROR_NAMES.has(error.name) || typeof (error as { fix?: unknown }).fix === 'string';
}

/** Prints the error for a human and returns the process exit code. */
export function reportError(
  error: unknown,
  write: (line: string) => void = (line) => process.stderr.write(line + '\n'),
): number {
  if (isUserError(error)) {
    write(`error: ${error.message}`);
    if (error.fix) write(`  fix: ${error.fix}`);
    return 1;
  }
  write('internal error (a bug in quickship; please report it with the stack below):');
  write(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return 2;
}
