// The local image registry: immutable builds of Git commits under `.quickship/registry/<tag>/`.
//
//   <tag>/manifest.json   {schemaVersion 2, tag, commit, createdAt, repository, config, bundle, dependencies}
//   <tag>/rootfs/         the image's WORKDIR (/app): the commit's tree (git archive), its
//                         node_modules (see dependencies.ts), and the bundle step's output
//
// Decisions:
// - Default tag `git-<sha7>` (the short commit sha, prefixed so it is never mistaken for a
//   semver tag). Tags are immutable like an ECR repository with IMMUTABLE tags: building an
//   existing tag for the same commit is a no-op; for another commit it is a TagImmutableError.
// - A build is assembled in a temporary folder and renamed into place, so a half-written build
//   is never visible and two concurrent builds of one tag cannot both win.
// - The image is what the commit's Dockerfile makes: its bundle step runs in the tree (bundle.ts)
//   so `services/payments/dist/{server,migrate,smoke}.mjs` exist as in the image, and the final
//   stage's ENTRYPOINT/CMD/WORKDIR/ENV/USER are recorded as `config` (core/image-config.ts), with
//   the build arg GIT_COMMIT set to the commit as `docker build --build-arg` would. What a
//   container runs is then containerArgv(config, container) (command.ts): Kubernetes' rules.
// - A build recorded by an older quickship (no `config`) does not resolve (ErrImagePull naming
//   `quickship build --tag <tag>`); that command rebuilds the same commit into the new layout
//   (the old folder is kept aside as `.outdated-<tag>-*`, since a process may still run in it).
// - Any image whose last path segment is `payments` maps to the build of its tag, whatever the
//   registry host (`<account>.dkr.ecr.<region>.amazonaws.com/quickship/payments:<tag>` included).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';
import { parseDockerfile } from '../core/dockerfile.ts';
import { bundleStep, imageConfig, type ImageConfig } from '../core/image-config.ts';
import { parseImageReference } from '../core/image-ref.ts';
import { runBundleStep } from './bundle.ts';
import { provideDependencies, sha256File, type DependencyRecord } from './dependencies.ts';
import { BuildError, ImagePullError, OutdatedBuildError, TagImmutableError } from './errors.ts';
import { extractCommit, hasUncommittedChanges, resolveCommit } from './git.ts';

/** A Docker tag (distribution/reference): what `quickship build --tag` accepts. */
const TAG = /^[\w][\w.-]{0,127}$/;

/** The Dockerfile a build reads, at the root of the commit (`docker build .` from the repository root). */
const DOCKERFILE = 'Dockerfile';

export interface ImageManifest {
  readonly schemaVersion: 2;
  readonly repository: string;
  readonly tag: string;
  readonly commit: string;
  readonly createdAt: string;
  /** The final stage's config: Kubernetes `command` replaces `entrypoint`, `args` replaces `cmd`. */
  readonly config: ImageConfig;
  /** The Dockerfile's bundle step as run: its line, esbuild's arguments, how long it took. */
  readonly bundle: { readonly line: number; readonly args: readonly string[]; readonly seconds: number };
  readonly dependencies: DependencyRecord;
}

/** An image resolved to a build: what an instance needs to start a process. */
export interface ResolvedImage {
  readonly image: string;
  readonly manifest: ImageManifest;
  /** Absolute local folder standing for the image's WORKDIR (`manifest.config.workingDir`). */
  readonly rootfs: string;
}

/** Resolves an image reference to something runnable; the registry is one, tests may pass another. */
export interface ImageResolver {
  resolve(image: string): Promise<ResolvedImage>;
}

export interface BuildResult {
  readonly manifest: ImageManifest;
  /** False when the tag already held this commit (builds are idempotent). */
  readonly created: boolean;
  /** The working tree had uncommitted changes, which a build of a commit does not include. */
  readonly uncommittedChanges: boolean;
  /** Set when a linked build's lockfile no longer matches the repository's (see dependencies.ts). */
  readonly warning?: string;
}

export interface LocalRegistryOptions {
  /** The Git repository to build from. */
  readonly repoDir: string;
  /** Default `<repoDir>/.quickship/registry`. */
  readonly registryDir?: string;
  readonly repository?: string; // default "payments"
}

/** What manifest.json holds: today's shape, or one written by an older quickship. */
type StoredManifest = ImageManifest | { readonly schemaVersion: 1; readonly tag: string; readonly commit: string };

export function defaultTag(commit: string): string {
  return `git-${commit.slice(0, 7)}`;
}

function isCurrent(manifest: StoredManifest): manifest is ImageManifest {
  return manifest.schemaVersion === 2 && 'config' in manifest;
}

export class LocalRegistry implements ImageResolver {
  readonly repoDir: string;
  readonly registryDir: string;
  readonly repository: string;

  constructor(options: LocalRegistryOptions) {
    this.repoDir = resolve(options.repoDir);
    this.registryDir = resolve(options.registryDir ?? join(this.repoDir, '.quickship', 'registry'));
    this.repository = options.repository ?? 'payments';
  }

  /** `quickship build [--tag T]`: records an immutable build of `commit` (default HEAD). */
  async build(options: { readonly commit?: string; readonly tag?: string } = {}): Promise<BuildResult> {
    const commit = await resolveCommit(this.repoDir, options.commit ?? 'HEAD');
    const tag = options.tag ?? defaultTag(commit);
    if (!TAG.test(tag))
      throw new BuildError(
        `tag "${tag}" is not a valid image tag; use letters, digits, "_", "." and "-" (at most 128, not starting with "." or "-"), e.g. --tag ${defaultTag(commit)}`,
      );
    const uncommittedChanges = options.commit === undefined && (await hasUncommittedChanges(this.repoDir));

    const existing = await this.read(tag);
    if (existing && (isCurrent(existing) || existing.commit !== commit))
      return this.reuse(existing, commit, uncommittedChanges);

    await mkdir(this.registryDir, { recursive: true });
    const staging = await mkdtemp(join(this.registryDir, `.building-${tag}-`));
    try {
      const rootfs = join(staging, 'rootfs');
      await mkdir(rootfs);
      await extractCommit(this.repoDir, commit, rootfs);
      const manifest = await this.assemble(rootfs, { tag, commit });
      await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      // An outdated build of the same commit is set aside (not deleted: a process may run in it).
      if (existing) await rename(this.tagDir(tag), join(this.registryDir, `.outdated-${tag}-${Date.now()}`));
      try {
        await rename(staging, this.tagDir(tag));
      } catch (error) {
        // Another build of the same tag won the rename: obey its result.
        const winner = await this.read(tag);
        if (!winner) throw error;
        await rm(staging, { recursive: true, force: true });
        return this.reuse(winner, commit, uncommittedChanges);
      }
      return { manifest, created: true, uncommittedChanges };
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  }

  /** The commit's tree (already in `rootfs`) made into the image: dependencies, bundle step, config. */
  private async assemble(
    rootfs: string,
    build: { readonly tag: string; readonly commit: string },
  ): Promise<ImageManifest> {
    const short = build.commit.slice(0, 12);
    let text: string;
    try {
      text = await readFile(join(rootfs, DOCKERFILE), 'utf8');
    } catch {
      throw new BuildError(
        `commit ${short} has no ${DOCKERFILE}, which defines the ${this.repository} image; build a commit that has one`,
      );
    }
    const dockerfile = parseDockerfile(text);
    const buildArgs = { GIT_COMMIT: build.commit };
    const config = imageConfig(dockerfile, buildArgs);
    const step = bundleStep(dockerfile, buildArgs);
    const dependencies = await provideDependencies(this.repoDir, rootfs);
    const bundled = await runBundleStep(step, rootfs);
    const script = defaultScript(config);
    if (
      script !== undefined &&
      !existsSync(join(rootfs, posix.relative(config.workingDir, posix.resolve(config.workingDir, script))))
    )
      throw new BuildError(
        `commit ${short}: the image's default process runs ${script}, which the Dockerfile's bundle step (line ${step.line}) did not write; make the bundle step write it, or change CMD`,
      );
    return {
      schemaVersion: 2,
      repository: this.repository,
      tag: build.tag,
      commit: build.commit,
      createdAt: new Date().toISOString(),
      config,
      bundle: { line: step.line, args: bundled.args, seconds: Math.round(bundled.seconds * 1000) / 1000 },
      dependencies,
    };
  }

  /** Maps an image reference to its build. Throws InvalidImageNameError or ImagePullError. */
  async resolve(image: string): Promise<ResolvedImage> {
    const parsed = parseImageReference(image);
    // No tag and no digest means "latest", as Docker and the kubelet default.
    const ref = {
      repository: parsed.lastSegment,
      tag: parsed.tag ?? (parsed.digest === undefined ? 'latest' : undefined),
    };
    if (ref.repository !== this.repository) {
      throw new ImagePullError(
        `image "${image}": repository "${ref.repository}" has no local builds; the local registry holds only "${this.repository}" images (quickship build)`,
      );
    }
    if (ref.tag === undefined) {
      throw new ImagePullError(
        `image "${image}": a digest reference cannot be mapped to a local build; reference the image by tag, e.g. ${this.repository}:git-<sha7>`,
      );
    }
    const manifest = await this.read(ref.tag);
    if (!manifest) {
      throw new ImagePullError(
        `image "${image}": tag "${ref.tag}" has no local build in ${this.registryDir}; build it: quickship build --tag ${ref.tag}`,
      );
    }
    if (!isCurrent(manifest)) {
      throw new OutdatedBuildError(image, ref.tag, manifest.commit);
    }
    return { image, manifest, rootfs: join(this.tagDir(ref.tag), 'rootfs') };
  }

  /** Every build in today's layout, oldest first. */
  async list(): Promise<ImageManifest[]> {
    const entries = await readdir(this.registryDir, { withFileTypes: true }).catch(() => []);
    const manifests: ImageManifest[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const manifest = await this.read(entry.name);
      if (manifest && isCurrent(manifest)) manifests.push(manifest);
    }
    return manifests.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  private tagDir(tag: string): string {
    return join(this.registryDir, tag);
  }

  private async read(tag: string): Promise<StoredManifest | undefined> {
    try {
      return JSON.parse(await readFile(join(this.tagDir(tag), 'manifest.json'), 'utf8')) as StoredManifest;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private reuse(existing: StoredManifest, commit: string, uncommittedChanges: boolean): BuildResult {
    if (existing.commit !== commit) throw new TagImmutableError(existing.tag, existing.commit, commit);
    if (!isCurrent(existing))
      throw new BuildError(
        `tag "${existing.tag}" changed while it was rebuilt; run quickship build --tag ${existing.tag} again`,
      );
    const stale =
      existing.dependencies.mode === 'linked' &&
      existing.dependencies.lockfileSha256 !== sha256File(join(this.repoDir, 'package-lock.json'));
    return {
      manifest: existing,
      created: false,
      uncommittedChanges,
      ...(stale
        ? {
            warning: `build ${existing.tag} links the repository's node_modules, but package-lock.json changed since; its dependencies are today's`,
          }
        : {}),
    };
  }
}

/** The script the default process runs when the entrypoint is node (`CMD ["server.mjs"]`), to check it was built. */
function defaultScript(config: ImageConfig): string | undefined {
  const [file, ...rest] = [...config.entrypoint, ...config.cmd];
  if (file === undefined || posix.basename(file) !== 'node') return undefined;
  return rest.find((arg) => !arg.startsWith('-'));
}
