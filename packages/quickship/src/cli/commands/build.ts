// `quickship build [--tag T] [--commit C]`: records an immutable build of a commit in the local
// registry (.quickship/registry/<tag>/), the stand-in for pushing an image to ECR.
import type { Command } from 'commander';
import type { BuildOptions } from '../run/build.ts';

export function register(program: Command): void {
  program
    .command('build')
    .description('Build a commit (default HEAD) into the local registry as payments:<tag> (default git-<sha7>)')
    .option('--tag <tag>', 'image tag (immutable once built)')
    .option('--commit <commit>', 'commit, branch or tag to build (default HEAD)')
    .option('--repo <folder>', 'repository root (default: the Git top level here)')
    .action(async (options: BuildOptions) => {
      const { runBuild } = await import('../run/build.ts');
      await runBuild(options);
    });
}
