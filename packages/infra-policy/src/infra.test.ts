// The real infra/ satisfies every policy rule. A failure lists each violation with its file,
// Terraform address and fix.
import { beforeAll, describe, expect, it } from 'vitest';
import type { TerraformConfig } from './config.ts';
import { loadTerraformDir } from './hcl.ts';
import { POLICY_RULES } from './rules/index.ts';
import { formatViolation } from './violation.ts';
import { INFRA_DIR } from '../test/infra-sources.ts';

describe('infra/ policy', () => {
  let config: TerraformConfig;
  beforeAll(async () => {
    config = await loadTerraformDir(INFRA_DIR);
  });

  it('parses every .tf file of infra/', () => {
    const files = config.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'versions.tf',
        'providers.tf',
        'main.tf',
        'variables.tf',
        'outputs.tf',
        'vpc.tf',
        'eks.tf',
        'ecr.tf',
        'rds.tf',
        'secrets.tf',
        'pod-identity.tf',
        'github-oidc.tf',
        'argocd.tf',
      ]),
    );
  });

  for (const rule of POLICY_RULES) {
    it(`${rule.id}: ${rule.invariant}`, () => {
      // Read the calendar at the real date: when a version leaves standard support this fails
      // with the versions to move to.
      const violations = rule.check(config, { asOf: new Date() }).map(formatViolation);
      expect(violations).toEqual([]);
    });
  }
});
