// The migration gate: the app controller's beforeHook policy (gitops/app-controller.ts). Before
// the PreSync Job that migrates the shared database is created, the sync runs
//   1. the migration lint (src/migrations) of the candidate build's migrations against the stable
//      build's (what the stable revision runs is what is released), then
//   2. the old-code × new-schema check (src/migrations/compatibility): a scratch copy of the live
//      schema and a sample of rows, the candidate's migrations applied there, one instance of the
//      STABLE build started against it, the stable build's smoke checks.
// Either refusing rejects: the Job is never created, the sync fails with the rule or the failing
// check in its message, the Rollout of that revision is never applied, the stable keeps serving.
// The migration Job is recognised by what it runs (the image's migrate entry point), not by its
// name, so a renamed or second migration Job is gated too. In the cluster the same two steps run
// as a PreSync Job ordered before the migration by sync-wave: see src/migrations/README.md.
import type { KubeObject } from '../store/object.ts';
import type { HookContext } from '../gitops/app-controller.ts';
import { assertSafeBuild } from '../migrations/check.ts';
import { checkBeforeMigrating } from '../migrations/compatibility/presync.ts';
import type { ImageResolver } from '../runtime/registry.ts';
import { MIGRATE_ARGS } from './migrations.ts';

interface Container {
  readonly image?: unknown;
  readonly command?: unknown;
  readonly args?: unknown;
}

/** The image of the container that runs the migrate entry point, if this hook is a migration Job (pure). */
export function migrationJobImage(hook: KubeObject): string | undefined {
  if (hook.kind !== 'Job' || !hook.apiVersion.startsWith('batch/')) return undefined;
  const spec = hook.spec as { template?: { spec?: { containers?: readonly Container[] } } } | undefined;
  for (const container of spec?.template?.spec?.containers ?? []) {
    const argv = [container.command, container.args].flatMap((part) => (Array.isArray(part) ? part : []));
    if (typeof container.image === 'string' && argv.some((arg) => MIGRATE_ARGS.includes(String(arg))))
      return container.image;
  }
  return undefined;
}

export interface MigrationGateOptions {
  /** The repository images are built from (the lint reads both builds' migrations at their commits). */
  readonly repoDir: string;
  /** The shared database the Job would migrate (the scratch copy is made from it; the role needs CREATEDB). */
  readonly databaseUrl: string;
  readonly images: ImageResolver;
  /** The image of the Rollout's stable ReplicaSet; undefined while nothing serves yet. */
  readonly stableImage: () => Promise<string | undefined>;
  readonly log: (line: string) => void;
}

export function migrationGate(
  options: MigrationGateOptions,
): (hook: KubeObject, context: HookContext) => Promise<void> {
  return async (hook, context) => {
    const image = migrationJobImage(hook);
    if (!image) return;
    const stableImage = await options.stableImage();
    const at = `${context.app} ${context.revision.slice(0, 7)}`;
    if (!stableImage) {
      options.log(`migration gate (${at}): nothing serves yet, so nothing to protect: ${hook.metadata.name} runs`);
      return;
    }
    const [candidate, stable] = await Promise.all([
      options.images.resolve(image),
      options.images.resolve(stableImage).catch(() => undefined),
    ]);
    if (!stable) {
      options.log(`migration gate (${at}): the stable image ${stableImage} has no local build; not checked`);
      return;
    }
    const lint = await assertSafeBuild({
      repoDir: options.repoDir,
      candidateCommit: candidate.manifest.commit,
      stableCommit: stable.manifest.commit,
      stableLabel: `the stable build ${stable.image} (commit ${stable.manifest.commit.slice(0, 12)})`,
    });
    options.log(
      `migration gate (${at}): lint passed: ${lint.checked.length === 0 ? 'no new migration' : lint.checked.join(', ')}`,
    );
    const report = await checkBeforeMigrating(stable, candidate, options.databaseUrl);
    options.log(
      report
        ? `migration gate (${at}): ${stable.image} passed its smoke checks on the schema of ${candidate.image} (scratch ${report.scratchDatabase}, ${report.rowsCopied} sample rows, ${report.durationMs} ms)`
        : `migration gate (${at}): ${candidate.image} brings no migration ${stable.image} lacks; no compatibility check needed`,
    );
  };
}
