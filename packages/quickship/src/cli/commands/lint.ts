// `quickship lint [-f file]`: `kubectl argo rollouts lint` over deploy/ (or the files given):
// one line per error, "<file>: <field path>: <reason>", exit 1 when there is any; then the migration lint.
import type { Command } from 'commander';
import type { LintOptions } from '../run/lint.ts';
import { DEFAULT_DEPLOY_DIR } from '../repo.ts';

export function register(program: Command): void {
  program
    .command('lint')
    .description('Validate the Rollouts and Services in deploy/ (or -f files) as `kubectl argo rollouts lint` does')
    .option(
      '-f, --file <file>',
      'a manifest file (repeatable); default: every file in --dir',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--dir <folder>', `folder to lint (default ${DEFAULT_DEPLOY_DIR} in the repository)`)
    .option('--repo <folder>', 'repository root (default: the Git top level here)')
    .option('--env <env>', 'environment whose newest release commit defines the released migrations', 'eks')
    .option('--since <commit>', 'lint the migrations added since this commit instead of since the release')
    .option('--no-migrations', 'skip the migration lint')
    .option('--no-cache', 'lint even when the answer for these very inputs is cached (~/.cache/quickship)')
    .action(async (options: LintOptions) => {
      const { runLint } = await import('../run/lint.ts');
      await runLint(options);
    });
}
