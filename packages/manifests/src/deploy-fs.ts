// The thin shell around the pure render: reads images.json, writes deploy/, and compares deploy/
// with what the code renders (the CI drift check). deploy/ is entirely generated: a file there
// that the code does not render is reported (check) or removed (write).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { environments } from './environments/index.ts';
import { ImageReferenceError } from './errors.ts';
import { parseImagesFile, type ImagesFile } from './images.ts';
import { renderManifests } from './render.ts';

/** The repository root, from this file's location (packages/manifests/src/). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const IMAGES_FILE = 'packages/manifests/images.json';
export const DEPLOY_DIR = 'deploy';

export function readImagesFile(root: string = REPO_ROOT): ImagesFile {
  const path = join(root, IMAGES_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ImageReferenceError(`${IMAGES_FILE} is missing`);
  }
  try {
    return parseImagesFile(JSON.parse(text));
  } catch (error) {
    if (error instanceof ImageReferenceError) throw error;
    throw new ImageReferenceError(
      `${IMAGES_FILE} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Every rendered file, keyed by path relative to the repository root, from images.json as it is now on disk. */
export function renderAll(options: { readonly root?: string; readonly images?: ImagesFile } = {}): Map<string, string> {
  return renderManifests(environments, options.images ?? readImagesFile(options.root));
}

/** Files currently under deploy/, relative to the repository root, with '/' separators. */
function existingFiles(root: string): string[] {
  const base = join(root, DEPLOY_DIR);
  if (!existsSync(base)) return [];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(base);
  return out.sort();
}

export interface DeployDifference {
  readonly path: string;
  readonly problem: 'differs' | 'missing' | 'not rendered';
}

/** What `npm run render` would change; empty when deploy/ is up to date. */
export function checkDeploy(
  root: string = REPO_ROOT,
  rendered: Map<string, string> = renderAll({ root }),
): DeployDifference[] {
  const differences: DeployDifference[] = [];
  for (const [path, text] of rendered) {
    const file = join(root, path);
    if (!existsSync(file)) differences.push({ path, problem: 'missing' });
    else if (readFileSync(file, 'utf8') !== text) differences.push({ path, problem: 'differs' });
  }
  for (const path of existingFiles(root)) if (!rendered.has(path)) differences.push({ path, problem: 'not rendered' });
  return differences.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Makes deploy/ equal to the render: writes changed files, removes files no longer rendered. */
export function writeDeploy(
  root: string = REPO_ROOT,
  rendered: Map<string, string> = renderAll({ root }),
): DeployDifference[] {
  const differences = checkDeploy(root, rendered);
  for (const { path, problem } of differences) {
    const file = join(root, path);
    if (problem === 'not rendered') {
      rmSync(file);
      continue;
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, rendered.get(path) ?? '');
  }
  removeEmptyDirs(join(root, DEPLOY_DIR));
  return differences;
}

function removeEmptyDirs(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }))
    if (entry.isDirectory()) removeEmptyDirs(join(dir, entry.name));
  if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
}
