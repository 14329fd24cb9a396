// How a build gets its node_modules without a full `npm ci` per build.
//
// Decision: when the build's package-lock.json is byte-identical to the repository's, the build
// gets a node_modules *directory of links* ("linked" mode):
//   - a third-party package links (absolute) to the repository's installed copy: same lockfile,
//     same bytes, installed once;
//   - a workspace package (npm links `node_modules/@quickship/x -> ../../packages/x`) is re-linked
//     relatively, so it resolves to the build's OWN copy of packages/x, never the working tree.
//     Linking the whole node_modules folder would let a build import today's workspace code.
// Otherwise ("installed" mode) the build runs `npm ci --prefer-offline` in its own tree, dev
// dependencies included because the Dockerfile's bundle step runs esbuild (a devDependency), as
// the image's build stage does; the image's runtime stage keeps production dependencies only.
// Fragile on purpose, and recorded: a linked build follows the repository's node_modules, so after
// the lockfile changes, old linked builds use the new packages (manifest.dependencies says which).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { lstat, mkdir, readdir, readlink, realpath, symlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { BuildError } from './errors.ts';

export interface DependencyRecord {
  readonly mode: 'linked' | 'installed';
  /** sha256 of the build's package-lock.json. */
  readonly lockfileSha256: string;
}

export function sha256File(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Gives `rootfs` its dependencies: linked from `repoDir` when the lockfiles match, else installed. */
export async function provideDependencies(repoDir: string, rootfs: string): Promise<DependencyRecord> {
  const buildLock = sha256File(join(rootfs, 'package-lock.json'));
  if (buildLock === undefined) {
    throw new BuildError(
      'the commit has no package-lock.json; commit one (npm install) so that builds are reproducible',
    );
  }
  if (buildLock === sha256File(join(repoDir, 'package-lock.json')) && existsSync(join(repoDir, 'node_modules'))) {
    for (const dir of await workspaceDirs(rootfs)) {
      const installed = join(repoDir, dir, 'node_modules');
      if (existsSync(installed)) await linkNodeModules(repoDir, installed, join(rootfs, dir, 'node_modules'));
    }
    return { mode: 'linked', lockfileSha256: buildLock };
  }
  await npmCi(rootfs);
  return { mode: 'installed', lockfileSha256: buildLock };
}

/** "" (the root) plus each workspace folder named by the root package.json ("packages/*" style). */
async function workspaceDirs(rootfs: string): Promise<string[]> {
  const dirs = [''];
  const manifest = JSON.parse(readFileSync(join(rootfs, 'package.json'), 'utf8')) as {
    workspaces?: string[] | { packages?: string[] };
  };
  const patterns = Array.isArray(manifest.workspaces) ? manifest.workspaces : (manifest.workspaces?.packages ?? []);
  for (const pattern of patterns) {
    if (pattern.endsWith('/*')) {
      const parent = pattern.slice(0, -2);
      const entries = await readdir(join(rootfs, parent), { withFileTypes: true }).catch(() => []);
      for (const entry of entries) if (entry.isDirectory()) dirs.push(join(parent, entry.name));
    } else {
      dirs.push(pattern);
    }
  }
  return dirs;
}

async function linkNodeModules(repoDir: string, installed: string, target: string): Promise<void> {
  await mkdir(target, { recursive: true });
  for (const entry of await readdir(installed, { withFileTypes: true })) {
    const from = join(installed, entry.name);
    if (entry.isDirectory() && entry.name.startsWith('@')) {
      await linkNodeModules(repoDir, from, join(target, entry.name));
      continue;
    }
    await symlink(await linkTarget(repoDir, from), join(target, entry.name));
  }
}

/** A workspace link keeps its relative target (so it lands in the build's tree); anything else links to the installed copy. */
async function linkTarget(repoDir: string, from: string): Promise<string> {
  if ((await lstat(from)).isSymbolicLink()) {
    const link = await readlink(from);
    const resolved = await realpath(from).catch(() => resolve(dirname(from), link));
    const repoReal = await realpath(repoDir);
    const inside = relative(repoReal, resolved);
    const isWorkspace = !isAbsolute(link) && !inside.startsWith('..') && !inside.split(sep).includes('node_modules');
    if (isWorkspace) return link;
  }
  return from;
}

function npmCi(rootfs: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: rootfs,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else
        reject(
          new BuildError(
            `npm ci in ${rootfs} failed (exit ${code}); run it there to see why:\n${output.trim().slice(-2000)}`,
          ),
        );
    });
  });
}
