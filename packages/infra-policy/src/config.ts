// The Terraform configuration as data: every top-level block of every .tf file, with the file it
// came from, in the JSON shape @cdktf/hcl2json produces. Pure: no fs, no parser import.

export type HclValue = string | number | boolean | null | HclValue[] | HclObject;
export interface HclObject {
  [key: string]: HclValue;
}

export type BlockKind = 'resource' | 'data' | 'module' | 'variable' | 'output' | 'local' | 'provider' | 'terraform';

export interface Block {
  readonly kind: BlockKind;
  /** Resource or data source type (`aws_ecr_repository`), absent for other kinds. */
  readonly type?: string;
  readonly name: string;
  /** Terraform address: `module.eks`, `aws_ecr_repository.payments`, `var.name`, `local.azs`… */
  readonly address: string;
  /** Path of the .tf file, relative to the parsed folder. */
  readonly file: string;
  /** Block body; for a local, `{ value }`. */
  readonly body: HclObject;
}

export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

export interface TerraformConfig {
  readonly files: readonly SourceFile[];
  readonly blocks: readonly Block[];
}

/** One parsed file: its path, its text and the parser's JSON for it. */
export interface ParsedFile extends SourceFile {
  readonly json: HclObject;
}

export function isObject(value: HclValue | undefined): value is HclObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Nested blocks come out as arrays of objects; a single object attribute is accepted too. */
export function blockList(body: HclObject, key: string): HclObject[] {
  return bodies(body[key]);
}

function bodies(value: HclValue | undefined): HclObject[] {
  return Array.isArray(value) ? value.filter(isObject) : isObject(value) ? [value] : [];
}

const ADDRESS_PREFIX: Partial<Record<BlockKind, string>> = {
  data: 'data.',
  module: 'module.',
  variable: 'var.',
  output: 'output.',
  local: 'local.',
  provider: 'provider.',
};

function blocksOfFile(file: ParsedFile): Block[] {
  const out: Block[] = [];
  const add = (kind: BlockKind, name: string, body: HclObject, type?: string) => {
    const address = type ? `${ADDRESS_PREFIX[kind] ?? ''}${type}.${name}` : `${ADDRESS_PREFIX[kind] ?? ''}${name}`;
    out.push({ kind, name, address, file: file.path, body, ...(type ? { type } : {}) });
  };
  for (const [key, value] of Object.entries(file.json)) {
    if (key === 'resource' || key === 'data') {
      if (!isObject(value)) continue;
      for (const [type, named] of Object.entries(value)) {
        if (!isObject(named)) continue;
        for (const [name, body] of Object.entries(named)) for (const b of bodies(body)) add(key, name, b, type);
      }
    } else if (key === 'module' || key === 'variable' || key === 'output' || key === 'provider') {
      if (!isObject(value)) continue;
      for (const [name, body] of Object.entries(value)) for (const b of bodies(body)) add(key, name, b);
    } else if (key === 'locals') {
      for (const group of bodies(value))
        for (const [name, v] of Object.entries(group)) add('local', name, { value: v });
    } else if (key === 'terraform') {
      for (const b of bodies(value)) add('terraform', 'terraform', b);
    }
  }
  return out;
}

export function buildConfig(files: readonly ParsedFile[]): TerraformConfig {
  const sorted = [...files].sort((a, b) => a.path.localeCompare(b.path));
  return {
    files: sorted.map(({ path, text }) => ({ path, text })),
    blocks: sorted.flatMap(blocksOfFile),
  };
}

export function blocksOf(config: TerraformConfig, kind: BlockKind, type?: string): Block[] {
  return config.blocks.filter((b) => b.kind === kind && (type === undefined || b.type === type));
}

export function findBlock(config: TerraformConfig, address: string): Block | undefined {
  return config.blocks.find((b) => b.address === address);
}

/** Modules whose registry source is `<namespace>/<name>/<provider>`, e.g. terraform-aws-modules/eks/aws. */
export function modulesFrom(config: TerraformConfig, source: string): Block[] {
  return blocksOf(config, 'module').filter((b) => b.body['source'] === source);
}
