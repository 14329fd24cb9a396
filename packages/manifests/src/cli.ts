// `npm run render` writes deploy/; `npm run render -- --check` exits 1 listing the files that
// differ from what the code renders (the CI drift check). `--root <dir>` acts on another checkout.
// One catch sorts errors: a user error prints its message and the fix, anything else its stack.
import { EnvironmentInvariantError, ImageReferenceError, LayoutError, SchemaValidationError } from './errors.ts';
import { checkDeploy, REPO_ROOT, writeDeploy } from './deploy-fs.ts';

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

function main(argv: readonly string[]): number {
  const { check, root } = parseArgs(argv);
  if (check) {
    const differences = checkDeploy(root);
    if (differences.length === 0) {
      console.log('deploy/ is up to date');
      return 0;
    }
    console.error(`deploy/ differs from what packages/manifests renders (${differences.length} file${differences.length === 1 ? '' : 's'}):`);
    for (const { path, problem } of differences) console.error(`  ${problem.padEnd(12)} ${path}`);
    console.error('fix: run npm run render and commit deploy/');
    return 1;
  }
  const changed = writeDeploy(root);
  for (const { path, problem } of changed) console.log(`${problem === 'not rendered' ? 'removed' : problem === 'missing' ? 'created' : 'updated'} ${path}`);
  console.log(changed.length === 0 ? 'deploy/ is up to date' : `deploy/: ${changed.length} file${changed.length === 1 ? '' : 's'} changed`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  const userError = error instanceof UsageError || [EnvironmentInvariantError, ImageReferenceError, LayoutError, SchemaValidationError].some((kind) => error instanceof kind);
  console.error(userError && error instanceof Error ? `render: ${error.message}` : error);
  process.exitCode = error instanceof UsageError ? 2 : userError ? 1 : 70;
}
