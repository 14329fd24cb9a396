// `terraform fmt -check` on infra/, as CI runs it; skipped where the terraform CLI is not on PATH.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTerraform, terraformFmtCheck } from './terraform-fmt.ts';
import { INFRA_DIR } from '../test/infra-sources.ts';

const terraform = await findTerraform();

describe.skipIf(!terraform)('terraform fmt -check', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'infra-fmt-'));
    await writeFile(join(dir, 'ok.tf'), 'variable "a" {\n  type = string\n}\n');
    await writeFile(join(dir, 'messy.tf'), 'variable "b" {\ntype=string\n    description   =   "x"\n}\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds infra/ formatted', async () => {
    expect(await terraformFmtCheck(terraform!, INFRA_DIR)).toEqual({ formatted: true, unformatted: [] });
  });

  it('lists the files that need formatting', async () => {
    expect(await terraformFmtCheck(terraform!, dir)).toEqual({ formatted: false, unformatted: ['messy.tf'] });
  });
});

describe('findTerraform', () => {
  it('finds nothing on an empty PATH', async () => {
    expect(await findTerraform('')).toBeUndefined();
  });
});
