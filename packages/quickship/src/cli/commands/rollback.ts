// `quickship rollback`: the GitOps rollback — a commit that reverts the last release (the last
// commit that changed the Rollout's folder), so Git and what runs agree again; auto-sync deploys
// it (release/revert.ts). The Rollout's spec.rollbackWindow (revisions: 1 in deploy/) makes that a
// fast-tracked rollback (core/bluegreen/rollback-window.ts): no pause, no analysis. While the
// previous ReplicaSet is still up (scaleDownDelaySeconds) the active Service is back on it at
// once; after that it is scaled up again and takes the active Service as soon as it is fully available.
import type { Command } from 'commander';
import { DEFAULT_DEPLOY_DIR, repoRoot } from '../repo.ts';
import { printLine } from '../output.ts';

export function register(program: Command): void {
  program
    .command('rollback')
    .description('Commit a revert of the last release (the GitOps rollback; auto-sync deploys it)')
    .option('--repo <folder>', 'repository root (default: the Git top level here)')
    .option('--path <folder>', `the Rollout's folder (default ${DEFAULT_DEPLOY_DIR})`)
    .action(async (options: { repo?: string; path?: string }) => {
      // Loaded here: release/git.ts calls promisify(execFile) at load, which loads node:child_process
      // even through the CLI loader's lazy built-ins (bin/chunk-loader.cjs).
      const { revertLastRelease } = await import('../../release/revert.ts');
      printLine((await revertLastRelease(repoRoot(options.repo), options.path ?? DEFAULT_DEPLOY_DIR)).message);
    });
}
