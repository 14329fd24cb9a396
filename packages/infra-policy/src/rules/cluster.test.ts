import { describe, expect, it } from 'vitest';
import { parseInfraWith, violationsAfter, violationsAt } from '../../test/infra-sources.ts';
import { eksAccessEntries, eksAddons, eksControlPlaneLogs, eksEndpointRestricted, eksSecretsEncryption, eksVersionSupported } from './cluster.ts';

const REVIEW_DAY = new Date('2026-11-27T12:00:00Z');

describe('eks-version-supported', () => {
  it('accepts infra/ on the day it was reviewed', async () => {
    expect(eksVersionSupported.check(await parseInfraWith(), { asOf: REVIEW_DAY })).toEqual([]);
  });

  it('refuses a default in extended support (1.33 left standard support on 2026-07-29)', async () => {
    const v = await violationsAfter(eksVersionSupported, [['variables.tf', 'default     = "1.36"', 'default     = "1.33"']], { asOf: REVIEW_DAY });
    expect(violationsAt(v, 'eks.tf', 'module.eks', '1.33 is in extended support on 2026-11-27 (standard support ends 2026-07-29)')).toHaveLength(1);
  });

  it('refuses a validation that still accepts 1.34 once it leaves standard support', async () => {
    const v = await violationsAfter(eksVersionSupported, [['variables.tf', 'contains(["1.35", "1.36"], var.kubernetes_version)', 'contains(["1.34", "1.35", "1.36"], var.kubernetes_version)']], { asOf: new Date('2026-12-15T00:00:00Z') });
    expect(violationsAt(v, 'variables.tf', 'var.kubernetes_version', 'accepts 1.34 is in extended support')).toHaveLength(1);
  });

  it('fails on infra/ as it is once 1.35 leaves standard support (2027-03-27)', async () => {
    const v = await violationsAfter(eksVersionSupported, [], { asOf: new Date('2027-04-01T00:00:00Z') });
    expect(v.map((x) => x.address)).toEqual(['var.kubernetes_version']);
    expect(v[0]!.fix).toContain('accept only 1.36');
  });

  it('refuses a version variable without a validation', async () => {
    const v = await violationsAfter(eksVersionSupported, [['variables.tf', 'contains(["1.35", "1.36"], var.kubernetes_version)', 'var.kubernetes_version != ""']], { asOf: REVIEW_DAY });
    expect(violationsAt(v, 'variables.tf', 'var.kubernetes_version', 'no validation restricts')).toHaveLength(1);
  });
});

describe('eks-endpoint-restricted', () => {
  it('refuses a cluster without the private endpoint', async () => {
    const v = await violationsAfter(eksEndpointRestricted, [['eks.tf', 'endpoint_private_access      = true', 'endpoint_private_access      = false']]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'endpoint_private_access is false')).toHaveLength(1);
  });

  it('refuses a possibly public endpoint without CIDRs (the module would open it to 0.0.0.0/0)', async () => {
    const v = await violationsAfter(eksEndpointRestricted, [['eks.tf', '  endpoint_public_access_cidrs = var.cluster_endpoint_public_access_cidrs\n', '']]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'defaults it to 0.0.0.0/0')).toHaveLength(1);
  });

  it('refuses a CIDR variable that defaults to 0.0.0.0/0 or does not validate against it', async () => {
    const v = await violationsAfter(eksEndpointRestricted, [
      ['variables.tf', 'condition     = alltrue([for cidr in var.cluster_endpoint_public_access_cidrs : !endswith(cidr, "/0")])', 'condition     = true'],
      ['variables.tf', 'Use the /32 of the machine running Terraform when it is outside the VPC."\n  type        = list(string)\n  default     = []', 'Use the /32 of the machine running Terraform when it is outside the VPC."\n  type        = list(string)\n  default     = ["0.0.0.0/0"]'],
    ]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'allows 0.0.0.0/0')).toHaveLength(1);
    expect(violationsAt(v, 'variables.tf', 'var.cluster_endpoint_public_access_cidrs', 'no validation refuses 0.0.0.0/0')).toHaveLength(1);
  });

  it('accepts a public endpoint switched off outright', async () => {
    const v = await violationsAfter(eksEndpointRestricted, [
      ['eks.tf', 'endpoint_public_access       = length(var.cluster_endpoint_public_access_cidrs) > 0', 'endpoint_public_access       = false'],
      ['eks.tf', '  endpoint_public_access_cidrs = var.cluster_endpoint_public_access_cidrs\n', ''],
    ]);
    expect(v).toEqual([]);
  });
});

describe('eks-secrets-encryption', () => {
  it('refuses a cluster that does not encrypt Secrets with KMS', async () => {
    const v = await violationsAfter(eksSecretsEncryption, [
      ['eks.tf', 'resources = ["secrets"]', 'resources = []'],
      ['eks.tf', 'create_kms_key          = true', 'create_kms_key          = false'],
    ]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'encryption_config is')).toHaveLength(1);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'no KMS key')).toHaveLength(1);
  });
});

describe('eks-control-plane-logs', () => {
  it('refuses a missing control-plane log type', async () => {
    const v = await violationsAfter(eksControlPlaneLogs, [['eks.tf', '"controllerManager", "scheduler"]', '"controllerManager"]']]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'lacks scheduler')).toHaveLength(1);
  });
});

describe('eks-access-entries', () => {
  it('refuses the aws-auth ConfigMap mode and admin entries without the admin policy', async () => {
    const v = await violationsAfter(eksAccessEntries, [
      ['eks.tf', 'authentication_mode = "API"', 'authentication_mode = "API_AND_CONFIG_MAP"'],
      ['eks.tf', 'cluster-access-policy/AmazonEKSClusterAdminPolicy', 'cluster-access-policy/AmazonEKSViewPolicy'],
    ]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'authentication_mode is "API_AND_CONFIG_MAP"')).toHaveLength(1);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'AmazonEKSClusterAdminPolicy')).toHaveLength(1);
  });
});

describe('eks-addons', () => {
  it('refuses a cluster without the Pod Identity agent (looking through merge(local…))', async () => {
    const v = await violationsAfter(eksAddons, [['eks.tf', '    eks-pod-identity-agent = {\n      before_compute = true\n    }\n', '']]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'addons lacks eks-pod-identity-agent')).toHaveLength(1);
  });
});
