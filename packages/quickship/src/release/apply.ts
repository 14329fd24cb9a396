// `quickship release`, the shell around the pure plan: gather facts from the target repository,
// plan, render and validate the new deploy/ tree in memory, then write it all or nothing and
// commit only the files that changed. Any refusal or failure leaves files and Git as they were.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { IMAGES_FILE, ImageReferenceError, readImagesFile, type ImagesFile } from '@quickship/manifests';
import { assertSafeMigrations } from '../migrations/check.ts';
import { DirtyReleaseFilesError, ImagesFileError, ReleaseValidationError } from './errors.ts';
import { applyChanges, diffTree, type FileChange } from './files.ts';
import { ReleaseGit } from './git.ts';
import { formatImagesFile, LOCAL_ENVIRONMENT, planRelease, type ReleasePlan } from './plan.ts';

const LOCAL_REGISTRY = '.quickship/registry';

/** What the release needs from the manifests: render with given images, and check the result. */
export interface ManifestsPort {
  /** Every rendered file (repository-relative path → content) for these images. */
  render(images: ImagesFile): Promise<ReadonlyMap<string, string>> | ReadonlyMap<string, string>;
  /** Folders the render owns completely: a file there that it no longer renders is deleted. */
  readonly outputDirs: readonly string[];
  /** Problems in the rendered files (schemas, policies, Argo lint); empty when valid. */
  validate(files: ReadonlyMap<string, string>): readonly string[] | Promise<readonly string[]>;
  /** The environment's repository rule, if it has one. */
  repositoryRule(environment: string): { readonly pattern: RegExp; readonly describe: string } | undefined;
}

export interface ReleaseRequest {
  readonly reference: string;
  readonly environment: string;
  /** false: write the files, commit nothing (`--no-commit`). */
  readonly commit: boolean;
  /** Any folder inside the target repository (default: the current directory). */
  readonly dir?: string;
}

export interface ReleaseOutcome {
  readonly plan: ReleasePlan;
  readonly repoDir: string;
  /** Repository-relative files written (or deleted). */
  readonly files: readonly string[];
  /** The release commit, when one was made. */
  readonly commit?: string;
}

export async function runRelease(request: ReleaseRequest, manifests: ManifestsPort): Promise<ReleaseOutcome> {
  const git = await ReleaseGit.open(request.dir ?? process.cwd());
  const repoDir = git.repoDir;
  const images = readImages(repoDir);
  const localBuildTags = request.environment === LOCAL_ENVIRONMENT ? await localBuilds(repoDir) : undefined;
  const plan = planRelease({
    reference: request.reference,
    environment: request.environment,
    images,
    localBuildTags,
    repositoryRule: manifests.repositoryRule(request.environment),
  });
  if (!plan.changed) return { plan, repoDir, files: [] };

  // A commit of these paths would sweep in someone's uncommitted edits: refuse before any work.
  const owned = [IMAGES_FILE, ...manifests.outputDirs];
  const dirty = await git.changedPaths(owned);
  if (dirty.length > 0) throw new DirtyReleaseFilesError(dirty);

  // Every migration newer than this environment's last release must be safe while the stable
  // revision keeps serving from the same database (src/migrations): refuse before any write.
  await assertSafeMigrations({ repoDir, environment: request.environment });

  const rendered = await manifests.render(plan.images);
  const problems = await manifests.validate(rendered);
  if (problems.length > 0) throw new ReleaseValidationError(problems);

  const wanted = new Map(rendered);
  wanted.set(IMAGES_FILE, formatImagesFile(plan.images));
  const changes: FileChange[] = await diffTree(repoDir, manifests.outputDirs, wanted);
  const files = changes.map(([path]) => path);

  const applied = await applyChanges(repoDir, changes);
  if (!request.commit) {
    await applied.finish();
    return { plan, repoDir, files };
  }
  try {
    const commit = await git.commitPaths(files, plan.commitMessage);
    await applied.finish();
    return { plan, repoDir, files, commit };
  } catch (error) {
    await applied.rollback();
    throw error;
  }
}

/** Tags with a finished build in the local registry (`<tag>/manifest.json`, written last by `quickship build`). */
async function localBuilds(repoDir: string): Promise<Set<string>> {
  const root = join(repoDir, LOCAL_REGISTRY);
  if (!existsSync(root)) return new Set();
  const entries = await readdir(root, { withFileTypes: true });
  return new Set(
    entries
      .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'manifest.json')))
      .map((entry) => entry.name),
  );
}

/** images.json as the manifests package reads it; its refusal becomes the release's UserError. */
function readImages(repoDir: string): ImagesFile {
  try {
    return readImagesFile(repoDir);
  } catch (error) {
    if (error instanceof ImageReferenceError) throw new ImagesFileError(error.message);
    throw error;
  }
}
