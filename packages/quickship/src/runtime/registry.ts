// The local image registry: immutable builds of Git commits under `.quickship/registry/<tag>/`.
//
//   <tag>/manifest.json   {tag, commit, createdAt, repository, entrypoint, cmd, dependencies}
//   <tag>/rootfs/         the commit's tree (git archive) + its node_modules (see dependencies.ts)
//
// Decisions:
// - Default tag `git-<sha7>` (the short commit sha, prefixed so it is never mistaken for a
//   semver tag). Tags are immutable like an ECR repository with IMMUTABLE tags: building an
//   existing tag for the same commit is a no-op; for another commit it is a TagImmutableError.
// - A build is assembled in a temporary folder and renamed into place, so a half-written build
//   is never visible and two concurrent builds of one tag cannot both win.
// - The image for repository `payments` runs, like a Dockerfile CMD, `node --import tsx
//   services/payments/src/server.ts` with the build's rootfs as working directory. The command
//   runs the Node binary of the engine (process.execPath) so every revision uses one runtime.
// - Any image whose last path segment is `payments` maps to the build of its tag, whatever the
//   registry host (`<account>.dkr.ecr.<region>.amazonaws.com/quickship/payments:<tag>` included).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { provideDependencies, sha256File, type DependencyRecord } from './dependencies.ts';
import { BuildError, ImagePullError, TagImmutableError } from './errors.ts';
import { extractCommit, hasUncommittedChanges, resolveCommit } from './git.ts';
import { parseImageReference } from '../core/image-ref.ts';

/** A Docker tag (distribution/reference): what `quickship build --tag` accepts. */
const TAG = /^[\w][\w.-]{0,127}$/;

/** The repository names the local engine can run, with their default process (Docker ENTRYPOINT/CMD). */
const IMAGES: Readonly<
  Record<string, { readonly entrypoint: readonly string[]; readonly cmd: readonly string[]; readonly requires: string }>
> = {
  payments: {
    entrypoint: [],
    cmd: ['node', '--import', 'tsx', 'services/payments/src/server.ts'],
    requires: 'services/payments/src/server.ts',
  },
};

export interface ImageManifest {
  readonly schemaVersion: 1;
  readonly repository: string;
  readonly tag: string;
  readonly commit: string;
  readonly createdAt: string;
  /** Docker ENTRYPOINT and CMD: Kubernetes `command` replaces the first, `args` the second. */
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly dependencies: DependencyRecord;
}

/** An image resolved to a build: what an instance needs to start a process. */
export interface ResolvedImage {
  readonly image: string;
  readonly manifest: ImageManifest;
  /** Absolute working directory of the process (the build's tree). */
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

export function defaultTag(commit: string): string {
  return `git-${commit.slice(0, 7)}`;
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
    if (existing) return this.reuse(existing, commit, uncommittedChanges);

    const image = IMAGES[this.repository];
    if (!image)
      throw new BuildError(
        `no default process is known for repository "${this.repository}"; known: ${Object.keys(IMAGES).join(', ')}`,
      );
    await mkdir(this.registryDir, { recursive: true });
    const staging = await mkdtemp(join(this.registryDir, `.building-${tag}-`));
    try {
      const rootfs = join(staging, 'rootfs');
      await mkdir(rootfs);
      await extractCommit(this.repoDir, commit, rootfs);
      if (!existsSync(join(rootfs, image.requires))) {
        throw new BuildError(
          `commit ${commit.slice(0, 12)} has no ${image.requires}, which the ${this.repository} image runs; build a commit that has it`,
        );
      }
      const manifest: ImageManifest = {
        schemaVersion: 1,
        repository: this.repository,
        tag,
        commit,
        createdAt: new Date().toISOString(),
        entrypoint: image.entrypoint,
        cmd: image.cmd,
        dependencies: await provideDependencies(this.repoDir, rootfs),
      };
      await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
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
    return { image, manifest, rootfs: join(this.tagDir(ref.tag), 'rootfs') };
  }

  /** Every build, oldest first. */
  async list(): Promise<ImageManifest[]> {
    const entries = await readdir(this.registryDir, { withFileTypes: true }).catch(() => []);
    const manifests: ImageManifest[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const manifest = await this.read(entry.name);
      if (manifest) manifests.push(manifest);
    }
    return manifests.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  private tagDir(tag: string): string {
    return join(this.registryDir, tag);
  }

  private async read(tag: string): Promise<ImageManifest | undefined> {
    try {
      return JSON.parse(await readFile(join(this.tagDir(tag), 'manifest.json'), 'utf8')) as ImageManifest;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private reuse(existing: ImageManifest, commit: string, uncommittedChanges: boolean): BuildResult {
    if (existing.commit !== commit) throw new TagImmutableError(existing.tag, existing.commit, commit);
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
