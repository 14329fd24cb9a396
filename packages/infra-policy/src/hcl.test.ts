import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBlock } from './config.ts';
import { expressionText, objectKeys, plainReference, resolve } from './expr.ts';
import {
  HclParseError,
  listTerraformFiles,
  loadTerraformDir,
  NoTerraformFilesError,
  parseTerraformSources,
} from './hcl.ts';

describe('parseTerraformSources', () => {
  it('keeps the file of every block and gives each its Terraform address', async () => {
    const config = await parseTerraformSources({
      'a.tf': 'resource "aws_ecr_repository" "payments" {\n  name = "quickship/payments"\n}\nlocals {\n  x = 1\n}\n',
      'b.tf':
        'module "eks" {\n  source = "terraform-aws-modules/eks/aws"\n}\nlocals {\n  y = { k = "v" }\n}\nvariable "v" {\n  type = string\n}\ndata "aws_partition" "current" {}\n',
      'README.md': 'ignored',
    });
    expect(config.files.map((f) => f.path)).toEqual(['a.tf', 'b.tf']);
    expect(config.blocks.map((b) => `${b.file}:${b.address}`).sort()).toEqual([
      'a.tf:aws_ecr_repository.payments',
      'a.tf:local.x',
      'b.tf:data.aws_partition.current',
      'b.tf:local.y',
      'b.tf:module.eks',
      'b.tf:var.v',
    ]);
    expect(findBlock(config, 'local.y')?.body).toEqual({ value: { k: 'v' } });
    expect(findBlock(config, 'var.v')?.body['type']).toBe('${string}');
  });

  it('names the file and the fix when the HCL does not parse', async () => {
    const error = await parseTerraformSources({ 'broken.tf': 'resource "x" "y" {\n  a = \n' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HclParseError);
    expect((error as HclParseError).file).toBe('broken.tf');
    expect((error as Error).message).toMatch(/^broken\.tf: not valid HCL .*terraform fmt -check broken\.tf/s);
  });
});

describe('loadTerraformDir', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'infra-policy-'));
    await mkdir(join(dir, 'modules', 'net'), { recursive: true });
    await mkdir(join(dir, '.terraform', 'modules'), { recursive: true });
    await writeFile(join(dir, 'main.tf'), 'output "a" {\n  value = 1\n}\n');
    await writeFile(join(dir, 'modules', 'net', 'main.tf'), 'output "b" {\n  value = 2\n}\n');
    await writeFile(join(dir, '.terraform', 'modules', 'vendored.tf'), 'output "c" {\n  value = 3\n}\n');
    await writeFile(join(dir, 'terraform.tfvars.example'), 'name = "x"\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every .tf under the folder, skipping .terraform/ and non-.tf files', async () => {
    expect(await listTerraformFiles(dir)).toEqual(['main.tf', 'modules/net/main.tf']);
    const config = await loadTerraformDir(dir);
    expect(config.blocks.map((b) => `${b.file}:${b.address}`)).toEqual([
      'main.tf:output.a',
      'modules/net/main.tf:output.b',
    ]);
  });

  it('refuses a folder without Terraform files', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await expect(loadTerraformDir(empty)).rejects.toBeInstanceOf(NoTerraformFilesError);
  });
});

// The expression helpers read what the parser produces, so they are tested on parsed HCL here.
describe('expression helpers', () => {
  it('tells plain references from other expressions', () => {
    expect(plainReference('${var.region}')).toBe('var.region');
    expect(plainReference('${module.eks.cluster_name}')).toBe('module.eks.cluster_name');
    expect(plainReference('${length(var.cidrs) > 0}')).toBeUndefined();
    expect(plainReference('${local.name}-db')).toBeUndefined();
    expect(expressionText('literal')).toBeUndefined();
  });

  it('resolves variables to their defaults and locals to their values, through merge()', async () => {
    const config = await parseTerraformSources({
      'main.tf': [
        'variable "port" {\n  type    = number\n  default = 3000\n}',
        'locals {\n  core  = { coredns = {}, vpc-cni = {} }\n  extra = var.on ? { ebs = {} } : {}\n  alias = local.core\n}',
        'module "m" {\n  source = "x"\n  port   = var.port\n  addons = merge(local.core, local.extra)\n  same   = local.alias\n}',
      ].join('\n'),
    });
    const m = config.blocks.find((b) => b.address === 'module.m')!;
    expect(resolve(config, m.body['port'])).toEqual({ value: 3000, via: 'var.port' });
    expect(objectKeys(config, m.body['addons'])).toEqual(['coredns', 'vpc-cni']);
    expect(objectKeys(config, m.body['same'])).toEqual(['coredns', 'vpc-cni']);
  });
});
