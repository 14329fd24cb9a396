// `quickship build [--tag T] [--commit C]`: records an immutable build of a commit in the local
// registry (.quickship/registry/<tag>/), the stand-in for pushing an image to ECR.
import { relative } from 'node:path';
import type { Command } from 'commander';
import { LocalRegistry } from '../../runtime/registry.ts';
import { repoRoot } from '../repo.ts';

interface BuildOptions {
  readonly tag?: string;
  readonly commit?: string;
  readonly repo?: string;
}

export function register(program: Command): void {
  program
    .command('build')
    .description('Build a commit (default HEAD) into the local registry as payments:<tag> (default git-<sha7>)')
    .option('--tag <tag>', 'image tag (immutable once built)')
    .option('--commit <commit>', 'commit, branch or tag to build (default HEAD)')
    .option('--repo <folder>', 'repository root (default: the Git top level here)')
    .action(async (options: BuildOptions) => {
      const repo = repoRoot(options.repo);
      const registry = new LocalRegistry({ repoDir: repo });
      const result = await registry.build({
        ...(options.tag ? { tag: options.tag } : {}),
        ...(options.commit ? { commit: options.commit } : {}),
      });
      const { manifest } = result;
      const where = relative(process.cwd(), registry.registryDir) || registry.registryDir;
      console.log(
        result.created
          ? `built payments:${manifest.tag} from ${manifest.commit.slice(0, 12)} into ${where}/${manifest.tag} (dependencies ${manifest.dependencies.mode}, Dockerfile bundle step ${manifest.bundle.seconds.toFixed(1)} s; runs ${[...manifest.config.entrypoint, ...manifest.config.cmd].join(' ')})`
          : `payments:${manifest.tag} is already built from ${manifest.commit.slice(0, 12)}`,
      );
      if (result.uncommittedChanges)
        console.error(
          `note: the working tree has uncommitted changes; the build holds commit ${manifest.commit.slice(0, 12)} only`,
        );
      if (result.warning) console.error(`warning: ${result.warning}`);
    });
}
