import { describe, expect, it } from 'vitest';
import { formatViolation } from '../violation.ts';
import { violationsAfter, violationsAt } from '../../test/infra-sources.ts';
import { helmChartsPinned, modulesPinned, providersPinned } from './pins.ts';

describe('modules-pinned', () => {
  it('refuses a module constraint that is not ~> on the reviewed major', async () => {
    const v = await violationsAfter(modulesPinned, [['eks.tf', 'version = "~> 21.19"', 'version = ">= 21.0"']]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'is not pinned as "~> 21.x"')).toHaveLength(1);
    expect(formatViolation(v[0]!)).toContain('Fix: set version = "~> 21.<minor>"');
  });

  it('refuses a module on another major than the one its inputs were checked against', async () => {
    const v = await violationsAfter(modulesPinned, [['vpc.tf', 'version = "~> 6.6"', 'version = "~> 5.21"']]);
    expect(violationsAt(v, 'vpc.tf', 'module.vpc', '"~> 5.21"')).toHaveLength(1);
  });

  it('refuses an unreviewed module source', async () => {
    const v = await violationsAfter(modulesPinned, [['rds.tf', 'source  = "terraform-aws-modules/rds/aws"', 'source  = "git::https://example.com/rds.git"']]);
    expect(violationsAt(v, 'rds.tf', 'module.payments_db', 'not one of the reviewed registry modules')).toHaveLength(1);
    expect(violationsAt(v, 'infra/', 'terraform-aws-modules/rds/aws', 'not used')).toHaveLength(1);
  });
});

describe('providers-pinned', () => {
  it('refuses a provider without a ~> constraint on the expected major', async () => {
    const v = await violationsAfter(providersPinned, [['versions.tf', 'version = "~> 6.28"', 'version = ">= 6.0"']]);
    expect(violationsAt(v, 'versions.tf', 'terraform', 'provider "aws"')).toHaveLength(1);
  });

  it('refuses a missing provider and a missing required_version', async () => {
    const v = await violationsAfter(providersPinned, [
      ['versions.tf', '  required_version = ">= 1.11.1, < 2.0.0"\n', ''],
      ['versions.tf', 'helm = {\n      source  = "hashicorp/helm"\n      version = "~> 3.1"\n    }', ''],
    ]);
    expect(violationsAt(v, 'versions.tf', 'terraform', 'required_version is missing')).toHaveLength(1);
    expect(violationsAt(v, 'versions.tf', 'terraform', 'no "helm"')).toHaveLength(1);
  });
});

describe('helm-charts-pinned', () => {
  it('refuses a chart version that is not one exact version', async () => {
    const v = await violationsAfter(helmChartsPinned, [['variables.tf', 'default     = "10.1.1"', 'default     = "10.1"']]);
    expect(violationsAt(v, 'argocd.tf', 'helm_release.argocd', '"10.1"')).toHaveLength(1);
  });
});
