// The one place that parses HCL: @cdktf/hcl2json (HashiCorp's WebAssembly build of
// tmccombs/hcl2json, pinned exactly in package.json). Each file is parsed on its own so every
// block keeps the file it came from; the upstream `convertFiles` concatenates files and would lose
// that, and it does not descend into folders.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { buildConfig, isObject, type HclValue, type ParsedFile, type TerraformConfig } from './config.ts';

export class HclParseError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: not valid HCL (${reason}). Fix the syntax, then check it with \`terraform fmt -check ${file}\`.`);
    this.name = 'HclParseError';
  }
}

export class NoTerraformFilesError extends Error {
  constructor(readonly dir: string) {
    super(`${dir}: no .tf files found. Point the policy at the Terraform root (e.g. infra/).`);
    this.name = 'NoTerraformFilesError';
  }
}

async function parseFileUncached(path: string, text: string): Promise<ParsedFile> {
  let json: HclValue;
  try {
    json = (await parse(path, text)) as HclValue;
  } catch (error) {
    throw new HclParseError(path, error instanceof Error ? error.message : String(error));
  }
  return { path, text, json: isObject(json) ? json : {} };
}

// Parsing is deterministic, so identical (path, text) pairs are parsed once: the policy tests parse
// many copies of infra/ that differ in one file. Bounded so a long-lived process cannot grow it.
const PARSE_CACHE_LIMIT = 256;
const parseCache = new Map<string, Promise<ParsedFile>>();

function parseFile(path: string, text: string): Promise<ParsedFile> {
  const key = `${path}\0${text}`;
  let parsed = parseCache.get(key);
  if (!parsed) {
    if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.clear();
    parsed = parseFileUncached(path, text);
    parseCache.set(key, parsed);
    parsed.catch(() => parseCache.delete(key));
  }
  return parsed;
}

/** Parses in-memory sources, keyed by file path (used for mutated copies of infra/ in tests). */
export async function parseTerraformSources(sources: Readonly<Record<string, string>>): Promise<TerraformConfig> {
  const files: ParsedFile[] = [];
  for (const [path, text] of Object.entries(sources)) {
    if (path.endsWith('.tf')) files.push(await parseFile(path, text));
  }
  return buildConfig(files);
}

/** Every `.tf` file under `dir` (hidden folders such as .terraform/ are skipped), relative paths with `/`. */
export async function listTerraformFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string): Promise<void> => {
    const entries = await readdir(current, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && entry.name.endsWith('.tf')) found.push(relative(dir, full).split(sep).join('/'));
    }
  };
  await walk(dir);
  return found.sort();
}

/** Reads and parses every `.tf` file under `dir` into one configuration. */
export async function loadTerraformDir(dir: string): Promise<TerraformConfig> {
  const paths = await listTerraformFiles(dir);
  if (paths.length === 0) throw new NoTerraformFilesError(dir);
  const sources: Record<string, string> = {};
  for (const path of paths) sources[path] = await readFile(join(dir, path), 'utf8');
  return parseTerraformSources(sources);
}
