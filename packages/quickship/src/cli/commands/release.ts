// `quickship release <image-ref> [--env eks|local] [--no-commit]`: the GitOps hand-off. Pins a
// fully expanded payments image in packages/manifests/images.json, re-renders deploy/, validates
// it, and commits only the changed files (`release: payments <ref>`). CI runs it after pushing
// the image to ECR; Argo CD syncs the commit.
import type { Command } from 'commander';
import { printLine } from '../output.ts';

export function register(program: Command): void {
  program
    .command('release')
    .description('Pin a payments image for an environment: update images.json, re-render deploy/, validate, commit')
    .argument(
      '<image-ref>',
      'fully expanded reference, e.g. <account>.dkr.ecr.<region>.amazonaws.com/quickship/payments:v1.2.0@sha256:<digest>',
    )
    .option('--env <env>', 'environment in packages/manifests/images.json (eks, local)', 'eks')
    .option('--no-commit', 'write the files but do not commit them')
    .action(async (reference: string, options: { env: string; commit: boolean }) => {
      // Loaded on demand: the manifests renderer (kubernetes-models) is heavy and only needed here.
      const { releaseImage } = await import('../../release/index.ts');
      const outcome = await releaseImage({ reference, environment: options.env, commit: options.commit });
      const { plan } = outcome;
      if (!plan.changed) {
        printLine(`payments in ${plan.environment} already runs ${plan.reference}; nothing to release`);
        return;
      }
      const what = `${outcome.files.length} file${outcome.files.length === 1 ? '' : 's'}`;
      printLine(
        outcome.commit
          ? `released payments ${plan.reference} to ${plan.environment}: ${what}, commit ${outcome.commit.slice(0, 12)}`
          : `wrote payments ${plan.reference} for ${plan.environment}: ${what}, not committed (--no-commit)`,
      );
    });
}
