// `quickship release` on real temporary Git repositories holding the layout it works on
// (packages/manifests/images.json and the rendered deploy/ tree), with the real manifests render
// and lint. Never touches /work/main's own Git state.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkDeploy, IMAGES_FILE, readImagesFile, renderAll, type ImagesFile } from '@quickship/manifests';
import {
  DirtyReleaseFilesError,
  LocalImageNotBuiltError,
  ReleaseValidationError,
  UnexpandedImageReferenceError,
} from './errors.ts';
import { releaseImage } from './index.ts';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/payments';
const NEW_REF = `${ECR}:v1.1.0@sha256:${'c0ffee'.repeat(10)}abcd`;
const repos: string[] = [];

beforeAll(() => {
  // Identity comes from each temporary repository's own config, never from the environment.
  for (const name of [
    'GIT_AUTHOR_NAME',
    'GIT_AUTHOR_EMAIL',
    'GIT_COMMITTER_NAME',
    'GIT_COMMITTER_EMAIL',
    'GIT_DIR',
    'GIT_WORK_TREE',
    'GIT_INDEX_FILE',
  ])
    delete process.env[name];
});

afterEach(() => {
  for (const dir of repos.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trimEnd();
}

/** A repository with the images.json of this checkout and deploy/ rendered from it, committed. */
function makeRepo(images: ImagesFile = readImagesFile()): string {
  const repo = mkdtempSync(join(tmpdir(), 'quickship-release-'));
  repos.push(repo);
  git(repo, 'init', '--quiet', '--initial-branch=main');
  git(repo, 'config', 'user.name', 'Release Test');
  git(repo, 'config', 'user.email', 'release-test@example.com');
  git(repo, 'config', 'commit.gpgsign', 'false');
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  };
  write('.gitignore', '.quickship/\n');
  write('README.md', '# quickship\n');
  write(IMAGES_FILE, `${JSON.stringify(images, null, 2)}\n`);
  for (const [path, text] of renderAll({ images })) write(path, text);
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'initial');
  return repo;
}

function snapshot(repo: string): { head: string; status: string; images: string; rollout: string } {
  return {
    head: git(repo, 'rev-parse', 'HEAD'),
    status: git(repo, 'status', '--porcelain'),
    images: readFileSync(join(repo, IMAGES_FILE), 'utf8'),
    rollout: readFileSync(join(repo, 'deploy/apps/payments/rollout.yaml'), 'utf8'),
  };
}

describe('quickship release', () => {
  it('pins the image, re-renders deploy/, and commits only the changed files', async () => {
    const repo = makeRepo();
    // Someone's unrelated work, staged and unstaged, must survive untouched and stay out of the commit.
    writeFileSync(join(repo, 'README.md'), '# quickship (edited)\n');
    writeFileSync(join(repo, 'notes.txt'), 'staged note\n');
    git(repo, 'add', 'notes.txt');

    const outcome = await releaseImage({ reference: NEW_REF, environment: 'eks', dir: join(repo, 'deploy') });
    expect(outcome.repoDir).toBe(repo);
    expect(outcome.commit).toBe(git(repo, 'rev-parse', 'HEAD'));
    expect(git(repo, 'log', '-1', '--format=%s')).toBe(`release: payments ${NEW_REF}`);

    const committed = git(repo, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort();
    expect(committed).toEqual([...outcome.files].sort());
    expect(committed).toContain(IMAGES_FILE);
    expect(committed).toContain('deploy/apps/payments/rollout.yaml');
    expect(committed.every((file) => file === IMAGES_FILE || file.startsWith('deploy/'))).toBe(true);
    expect(committed.some((file) => file.startsWith('deploy/environments/local/'))).toBe(false); // other environments untouched

    expect(git(repo, 'show', 'HEAD:deploy/apps/payments/rollout.yaml')).toContain(`image: ${NEW_REF}`);
    expect((JSON.parse(git(repo, 'show', `HEAD:${IMAGES_FILE}`)) as ImagesFile).eks?.payments).toBe(NEW_REF);
    // deploy/ is exactly what the code renders for the new images.json (the CI drift check passes).
    expect(checkDeploy(repo, renderAll({ images: readImagesFile(repo) }))).toEqual([]);

    expect(git(repo, 'status', '--porcelain').split('\n').sort()).toEqual([' M README.md', 'A  notes.txt']);
    expect(existsSync(join(repo, '.quickship/release')) ? readdirSync(join(repo, '.quickship/release')) : []).toEqual(
      [],
    );
  });

  it('is a no-op for the reference already pinned', async () => {
    const repo = makeRepo();
    const before = snapshot(repo);
    const outcome = await releaseImage({
      reference: readImagesFile(repo).eks!.payments!,
      environment: 'eks',
      dir: repo,
    });
    expect(outcome.plan.changed).toBe(false);
    expect(outcome.commit).toBeUndefined();
    expect(snapshot(repo)).toEqual(before);
  });

  it('--no-commit writes the files and commits nothing', async () => {
    const repo = makeRepo();
    const head = git(repo, 'rev-parse', 'HEAD');
    const outcome = await releaseImage({ reference: NEW_REF, environment: 'eks', dir: repo, commit: false });
    expect(outcome.commit).toBeUndefined();
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
    expect(
      git(repo, 'status', '--porcelain')
        .split('\n')
        .map((line) => line.slice(3))
        .sort(),
    ).toEqual([...outcome.files].sort());
    expect(readFileSync(join(repo, 'deploy/apps/payments/rollout.yaml'), 'utf8')).toContain(NEW_REF);
  });

  it.each([
    ['${{ steps.image.outputs.ref }}', UnexpandedImageReferenceError],
    [`${ECR}:latest`, UnexpandedImageReferenceError],
    ['quickship/payments:v1.1.0', UnexpandedImageReferenceError],
  ])('refuses %s and leaves the repository exactly as it was', async (reference, error) => {
    const repo = makeRepo();
    const before = snapshot(repo);
    await expect(releaseImage({ reference, environment: 'eks', dir: repo })).rejects.toBeInstanceOf(error);
    expect(snapshot(repo)).toEqual(before);
  });

  it('refuses a reference the render rejects (ECR region of another environment), writing nothing', async () => {
    const repo = makeRepo();
    const before = snapshot(repo);
    const otherRegion = `123456789012.dkr.ecr.us-east-1.amazonaws.com/quickship/payments:v1.1.0`;
    await expect(releaseImage({ reference: otherRegion, environment: 'eks', dir: repo })).rejects.toThrow(
      ReleaseValidationError,
    );
    await expect(releaseImage({ reference: otherRegion, environment: 'eks', dir: repo })).rejects.toThrow(/us-east-1/);
    expect(snapshot(repo)).toEqual(before);
  });

  it('refuses when the files it rewrites have uncommitted changes', async () => {
    const repo = makeRepo();
    writeFileSync(
      join(repo, 'deploy/apps/payments/rollout.yaml'),
      `${readFileSync(join(repo, 'deploy/apps/payments/rollout.yaml'), 'utf8')}# hand edit\n`,
    );
    const before = snapshot(repo);
    await expect(releaseImage({ reference: NEW_REF, environment: 'eks', dir: repo })).rejects.toThrow(
      DirtyReleaseFilesError,
    );
    await expect(releaseImage({ reference: NEW_REF, environment: 'eks', dir: repo })).rejects.toThrow(
      'deploy/apps/payments/rollout.yaml',
    );
    expect(snapshot(repo)).toEqual(before);
  });

  it('puts every file back when the commit fails', async () => {
    const repo = makeRepo();
    git(repo, 'config', 'user.name', ''); // git refuses to commit with an empty author name
    const before = snapshot(repo);
    await expect(releaseImage({ reference: NEW_REF, environment: 'eks', dir: repo })).rejects.toThrow(/git commit/);
    expect(snapshot(repo)).toEqual(before);
    expect(git(repo, 'diff', '--cached', '--name-only')).toBe('');
  });

  it('env local: requires a local build of the tag (quickship build --tag), then releases it', async () => {
    const repo = makeRepo();
    const reference = 'quickship/payments:git-1a2b3c4';
    const refused = releaseImage({ reference, environment: 'local', dir: repo });
    await expect(refused).rejects.toBeInstanceOf(LocalImageNotBuiltError);
    await expect(refused).rejects.toMatchObject({ fix: 'quickship build --tag git-1a2b3c4' });

    mkdirSync(join(repo, '.quickship/registry/git-1a2b3c4'), { recursive: true });
    writeFileSync(join(repo, '.quickship/registry/git-1a2b3c4/manifest.json'), '{}\n');
    const outcome = await releaseImage({ reference, environment: 'local', dir: repo });
    expect(outcome.commit).toBeDefined();
    expect(outcome.files).toContain('deploy/environments/local/apps/payments/rollout.yaml');
    expect(outcome.files.some((file) => file.startsWith('deploy/apps/'))).toBe(false);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });
});
