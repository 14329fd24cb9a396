// Each policy rule fails on a copy of infra/ with one deliberate regression, and the message names
// the file, the Terraform address and the fix. (One file, so the HCL parser's WebAssembly loads once.)
import { describe, expect, it } from 'vitest';
import { formatViolation } from '../violation.ts';
import { parseInfraWith, violationsAfter, violationsAt } from '../../test/infra-sources.ts';
import { helmChartsPinned, modulesPinned, providersPinned } from './pins.ts';
import { vpcLayout, vpcLoadBalancerTags } from './network.ts';
import {
  eksAccessEntries,
  eksAddons,
  eksControlPlaneLogs,
  eksEndpointRestricted,
  eksIrsaOff,
  eksOperatorAccess,
  eksSecretsEncryption,
  eksVersionSupported,
} from './cluster.ts';
import { albReachesPods, nodeGroupsHardened } from './nodes.ts';
import { ecrRepositoryHardened } from './registry.ts';
import { rdsHardened, rdsOnlyFromNodes } from './database.ts';
import {
  ciOidcTrustRestricted,
  ciPushScopedToRepository,
  podIdentityRoles,
  podIdentityTrustScoped,
} from './identity.ts';
import {
  argocdClusterSecret,
  argocdInstalled,
  argocdRootApplication,
  controllersAfterPodIdentity,
  regionMatchesDeploy,
} from './gitops.ts';
import { noHardcodedSecrets, outputsPresent, variablesTypedAndDescribed } from './hygiene.ts';

const REVIEW_DAY = new Date('2026-11-27T12:00:00Z');
const GROUP = 'module.eks.eks_managed_node_groups.default';
const REPO = 'aws_ecr_repository.payments';
const DB = 'module.payments_db';
const TRUST = 'data.aws_iam_policy_document.ci_assume';
const PUSH = 'data.aws_iam_policy_document.ci_ecr_push';
const ESO = 'module.external_secrets_pod_identity';
const GITHUB_CI_REFS_VALIDATION = [
  '  validation {',
  '    condition     = length(var.github_ci_refs) > 0 && alltrue([for ref in var.github_ci_refs : can(regex("^refs/(tags|heads)/[A-Za-z0-9._/-]+\\\\*?$", ref))])',
  '    error_message = "github_ci_refs must list refs such as refs/tags/v* or refs/heads/main; a bare * (any ref, any branch) is refused."',
  '  }',
].join('\n');

// ---- pins.ts ----
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
    const v = await violationsAfter(modulesPinned, [
      ['rds.tf', 'source  = "terraform-aws-modules/rds/aws"', 'source  = "git::https://example.com/rds.git"'],
    ]);
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
    const v = await violationsAfter(helmChartsPinned, [
      ['variables.tf', 'default     = "10.1.1"', 'default     = "10.1"'],
    ]);
    expect(violationsAt(v, 'argocd.tf', 'helm_release.argocd', '"10.1"')).toHaveLength(1);
  });
});

// ---- network.ts ----
describe('vpc-layout', () => {
  it('refuses a single shared NAT gateway', async () => {
    const v = await violationsAfter(vpcLayout, [
      ['vpc.tf', 'single_nat_gateway     = false', 'single_nat_gateway     = true'],
      ['vpc.tf', 'one_nat_gateway_per_az = true', 'one_nat_gateway_per_az = false'],
    ]);
    expect(violationsAt(v, 'vpc.tf', 'module.vpc', 'single_nat_gateway = true')).toHaveLength(1);
    expect(violationsAt(v, 'vpc.tf', 'module.vpc', 'one_nat_gateway_per_az is not true')).toHaveLength(1);
  });

  it('refuses fewer than three AZs', async () => {
    const v = await violationsAfter(vpcLayout, [
      [
        'main.tf',
        'slice(data.aws_availability_zones.available.names, 0, 3)',
        'slice(data.aws_availability_zones.available.names, 0, 2)',
      ],
    ]);
    expect(violationsAt(v, 'vpc.tf', 'module.vpc', 'not three Availability Zones')).toHaveLength(1);
  });

  it('refuses a missing intra subnet tier', async () => {
    const v = await violationsAfter(vpcLayout, [['vpc.tf', '  intra_subnets    = local.intra_subnets\n', '']]);
    expect(violationsAt(v, 'vpc.tf', 'module.vpc', 'intra_subnets is empty')).toHaveLength(1);
  });
});

describe('vpc-load-balancer-tags', () => {
  it('refuses public subnets without the kubernetes.io/role/elb tag', async () => {
    const v = await violationsAfter(vpcLoadBalancerTags, [
      ['vpc.tf', '"kubernetes.io/role/elb" = 1', '"kubernetes.io/role/alb" = 1'],
    ]);
    expect(
      violationsAt(v, 'vpc.tf', 'module.vpc', 'public_subnet_tags["kubernetes.io/role/elb"] is unset'),
    ).toHaveLength(1);
    expect(v).toHaveLength(1);
  });

  it('refuses private subnets whose internal-elb tag is not 1', async () => {
    const v = await violationsAfter(vpcLoadBalancerTags, [
      ['vpc.tf', '"kubernetes.io/role/internal-elb" = 1', '"kubernetes.io/role/internal-elb" = 0'],
    ]);
    expect(
      violationsAt(v, 'vpc.tf', 'module.vpc', 'private_subnet_tags["kubernetes.io/role/internal-elb"] is 0'),
    ).toHaveLength(1);
  });
});

// ---- cluster.ts ----
describe('eks-version-supported', () => {
  it('accepts infra/ on the day it was reviewed', async () => {
    expect(eksVersionSupported.check(await parseInfraWith(), { asOf: REVIEW_DAY })).toEqual([]);
  });

  it('refuses a default in extended support (1.33 left standard support on 2026-07-29)', async () => {
    const v = await violationsAfter(
      eksVersionSupported,
      [['variables.tf', 'default     = "1.36"', 'default     = "1.33"']],
      { asOf: REVIEW_DAY },
    );
    expect(
      violationsAt(
        v,
        'eks.tf',
        'module.eks',
        '1.33 is in extended support on 2026-11-27 (standard support ends 2026-07-29)',
      ),
    ).toHaveLength(1);
  });

  it('refuses a validation that still accepts 1.34 once it leaves standard support', async () => {
    const v = await violationsAfter(
      eksVersionSupported,
      [
        [
          'variables.tf',
          'contains(["1.35", "1.36"], var.kubernetes_version)',
          'contains(["1.34", "1.35", "1.36"], var.kubernetes_version)',
        ],
      ],
      { asOf: new Date('2026-12-15T00:00:00Z') },
    );
    expect(
      violationsAt(v, 'variables.tf', 'var.kubernetes_version', 'accepts 1.34 is in extended support'),
    ).toHaveLength(1);
  });

  it('fails on infra/ as it is once 1.35 leaves standard support (2027-03-27)', async () => {
    const v = await violationsAfter(eksVersionSupported, [], { asOf: new Date('2027-04-01T00:00:00Z') });
    expect(v.map((x) => x.address)).toEqual(['var.kubernetes_version']);
    expect(v[0]!.fix).toContain('accept only 1.36');
  });

  it('refuses a version variable without a validation', async () => {
    const v = await violationsAfter(
      eksVersionSupported,
      [['variables.tf', 'contains(["1.35", "1.36"], var.kubernetes_version)', 'var.kubernetes_version != ""']],
      { asOf: REVIEW_DAY },
    );
    expect(violationsAt(v, 'variables.tf', 'var.kubernetes_version', 'no validation restricts')).toHaveLength(1);
  });
});

describe('eks-endpoint-restricted', () => {
  it('refuses a cluster without the private endpoint', async () => {
    const v = await violationsAfter(eksEndpointRestricted, [
      ['eks.tf', 'endpoint_private_access      = true', 'endpoint_private_access      = false'],
    ]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'endpoint_private_access is false')).toHaveLength(1);
  });

  it('refuses a possibly public endpoint without CIDRs (the module would open it to 0.0.0.0/0)', async () => {
    const v = await violationsAfter(eksEndpointRestricted, [
      ['eks.tf', '  endpoint_public_access_cidrs = var.cluster_endpoint_public_access_cidrs\n', ''],
    ]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'defaults it to 0.0.0.0/0')).toHaveLength(1);
  });

  it('refuses a CIDR variable that defaults to 0.0.0.0/0 or does not validate against it', async () => {
    const v = await violationsAfter(eksEndpointRestricted, [
      [
        'variables.tf',
        'condition     = alltrue([for cidr in var.cluster_endpoint_public_access_cidrs : !endswith(cidr, "/0")])',
        'condition     = true',
      ],
      [
        'variables.tf',
        'Use the /32 of the machine running Terraform when it is outside the VPC."\n  type        = list(string)\n  default     = []',
        'Use the /32 of the machine running Terraform when it is outside the VPC."\n  type        = list(string)\n  default     = ["0.0.0.0/0"]',
      ],
    ]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'allows 0.0.0.0/0')).toHaveLength(1);
    expect(
      violationsAt(v, 'variables.tf', 'var.cluster_endpoint_public_access_cidrs', 'no validation refuses 0.0.0.0/0'),
    ).toHaveLength(1);
  });

  it('accepts a public endpoint switched off outright', async () => {
    const v = await violationsAfter(eksEndpointRestricted, [
      [
        'eks.tf',
        'endpoint_public_access       = length(var.cluster_endpoint_public_access_cidrs) > 0',
        'endpoint_public_access       = false',
      ],
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
    const v = await violationsAfter(eksControlPlaneLogs, [
      ['eks.tf', '"controllerManager", "scheduler"]', '"controllerManager"]'],
    ]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'lacks scheduler')).toHaveLength(1);
  });
});

describe('eks-access-entries', () => {
  it('refuses the aws-auth ConfigMap mode and admin entries without the admin policy', async () => {
    const v = await violationsAfter(eksAccessEntries, [
      ['eks.tf', '  authentication_mode = "API"\n', '  authentication_mode = "API_AND_CONFIG_MAP"\n'],
      ['eks.tf', 'cluster-access-policy/AmazonEKSClusterAdminPolicy', 'cluster-access-policy/AmazonEKSViewPolicy'],
    ]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'authentication_mode is "API_AND_CONFIG_MAP"')).toHaveLength(1);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'AmazonEKSClusterAdminPolicy')).toHaveLength(1);
  });

  it('refuses access entries keyed by list position (the review finding)', async () => {
    const v = await violationsAfter(eksAccessEntries, [
      [
        'eks.tf',
        'for arn in var.cluster_admin_role_arns : arn => {',
        'for index, arn in var.cluster_admin_role_arns : "admin-${index}" => {',
      ],
    ]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'keyed by list position ("admin-${index}")')).toHaveLength(1);
  });
});

describe('eks-addons', () => {
  it('refuses a cluster without the Pod Identity agent (looking through merge(local…))', async () => {
    const v = await violationsAfter(eksAddons, [
      [
        'eks.tf',
        '    eks-pod-identity-agent = {\n      addon_version  = var.eks_addon_versions["eks-pod-identity-agent"]\n      most_recent    = false\n      before_compute = true\n    }\n',
        '',
      ],
    ]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'addons lacks eks-pod-identity-agent')).toHaveLength(1);
  });

  it('refuses add-ons whose version floats (the review finding: most_recent defaulting to true)', async () => {
    const v = await violationsAfter(eksAddons, [
      [
        'eks.tf',
        '    kube-proxy = {\n      addon_version = var.eks_addon_versions["kube-proxy"]\n      most_recent   = false\n    }',
        '    kube-proxy = {}',
      ],
      [
        'eks.tf',
        '      addon_version = var.eks_addon_versions["aws-ebs-csi-driver"]\n      most_recent   = false\n',
        '      most_recent = true\n',
      ],
    ]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'kube-proxy has no addon_version')).toHaveLength(1);
    // Found through `var.enable_ebs_csi_driver ? local.eks_ebs_csi_addon : {}` inside merge(…).
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'aws-ebs-csi-driver sets most_recent = true')).toHaveLength(1);
    expect(v).toHaveLength(2);
  });

  it('refuses a version map with a default or without its exact-version validation', async () => {
    const withDefault = await violationsAfter(eksAddons, [
      [
        'variables.tf',
        '  type        = map(string)\n\n  validation {\n    condition     = alltrue([for name in',
        '  type        = map(string)\n  default     = {}\n\n  validation {\n    condition     = alltrue([for name in',
      ],
    ]);
    expect(violationsAt(withDefault, 'eks.tf', 'module.eks', 'has a default')).toHaveLength(5);
    const unchecked = await violationsAfter(eksAddons, [
      ['variables.tf', '-eksbuild\\\\.[0-9]+$", version))', '", version))'],
    ]);
    expect(violationsAt(unchecked, 'eks.tf', 'module.eks', 'no validation requiring exact versions')).toHaveLength(5);
  });
});

describe('eks-operator-access', () => {
  it('refuses a private endpoint only the nodes can reach (the review finding)', async () => {
    const v = await violationsAfter(eksOperatorAccess, [
      ['eks.tf', '  security_group_additional_rules = local.cluster_operator_rules\n', ''],
    ]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'admits 443 only from the nodes')).toHaveLength(1);
    expect(v[0]!.fix).toContain('var.cluster_operator_cidrs');
  });

  it('refuses an operator CIDR variable that accepts 0.0.0.0/0', async () => {
    const v = await violationsAfter(eksOperatorAccess, [
      ['variables.tf', 'can(cidrhost(cidr, 0)) && !endswith(cidr, "/0")])', 'can(cidrhost(cidr, 0))])'],
    ]);
    expect(violationsAt(v, 'variables.tf', 'var.cluster_operator_cidrs', 'refuses a /0')).toHaveLength(1);
  });
});

describe('eks-irsa-off', () => {
  it('refuses the IRSA OIDC provider the module creates by default', async () => {
    const v = await violationsAfter(eksIrsaOff, [['eks.tf', '  enable_irsa = false\n', '']]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'enable_irsa is unset')).toHaveLength(1);
  });
});

// ---- nodes.ts ----
describe('node-groups-hardened', () => {
  it('refuses IMDSv1 and a hop limit above 1', async () => {
    const v = await violationsAfter(nodeGroupsHardened, [
      ['eks.tf', 'http_tokens                 = "required"', 'http_tokens                 = "optional"'],
      ['eks.tf', 'http_put_response_hop_limit = 1', 'http_put_response_hop_limit = 2'],
    ]);
    expect(violationsAt(v, 'eks.tf', GROUP, 'http_tokens is "optional"')).toHaveLength(1);
    expect(violationsAt(v, 'eks.tf', GROUP, 'hop_limit is 2')).toHaveLength(1);
  });

  it('refuses nodes in the public subnets', async () => {
    const v = await violationsAfter(nodeGroupsHardened, [
      ['eks.tf', '      subnet_ids = module.vpc.private_subnets\n', '      subnet_ids = module.vpc.public_subnets\n'],
    ]);
    expect(violationsAt(v, 'eks.tf', GROUP, 'private subnets only')).toHaveLength(1);
  });

  it('refuses an AMI type default other than AL2023', async () => {
    const v = await violationsAfter(nodeGroupsHardened, [
      ['variables.tf', 'default     = "AL2023_x86_64_STANDARD"', 'default     = "BOTTLEROCKET_x86_64"'],
    ]);
    expect(violationsAt(v, 'eks.tf', GROUP, 'not Amazon Linux 2023')).toHaveLength(1);
  });
});

describe('alb-reaches-pods', () => {
  it('refuses a node security group without the ALB → pod rule (the original ingress timeouts)', async () => {
    const v = await violationsAfter(albReachesPods, [
      ['eks.tf', 'cidr_blocks = local.public_subnets', 'cidr_blocks = ["192.0.2.0/24"]'],
    ]);
    expect(
      violationsAt(v, 'eks.tf', 'module.eks', 'no node security group rule lets the load balancer reach pods on 3000'),
    ).toHaveLength(1);
    expect(v[0]!.fix).toContain('from_port = 3000');
  });

  it('refuses the whole VPC on the payments port (the review finding: Grafana listens on 3000 too)', async () => {
    const v = await violationsAfter(albReachesPods, [
      ['eks.tf', 'cidr_blocks = local.public_subnets', 'cidr_blocks = [var.vpc_cidr]'],
    ]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'the whole VPC')).toHaveLength(1);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'no node security group rule lets the load balancer')).toHaveLength(
      1,
    );
  });

  it('refuses the public subnets together with a broader source', async () => {
    const v = await violationsAfter(albReachesPods, [
      [
        'eks.tf',
        'cidr_blocks = local.public_subnets',
        'cidr_blocks = concat(local.public_subnets, local.private_subnets)',
      ],
    ]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'the whole VPC')).toHaveLength(1);
  });

  it('refuses a rule on another port than the payments container port', async () => {
    const v = await violationsAfter(albReachesPods, [['variables.tf', 'default     = 3000', 'default     = 8080']]);
    expect(v).toHaveLength(1);
  });
});

// ---- registry.ts ----
describe('ecr-repository-hardened', () => {
  it('refuses mutable tags and no scan on push', async () => {
    const v = await violationsAfter(ecrRepositoryHardened, [
      ['ecr.tf', 'image_tag_mutability = "IMMUTABLE"', 'image_tag_mutability = "MUTABLE"'],
      ['ecr.tf', 'scan_on_push = true', 'scan_on_push = false'],
    ]);
    expect(violationsAt(v, 'ecr.tf', REPO, 'image_tag_mutability is "MUTABLE"')).toHaveLength(1);
    expect(violationsAt(v, 'ecr.tf', REPO, 'not scanned on push')).toHaveLength(1);
  });

  it('refuses a repository without a lifecycle policy', async () => {
    const v = await violationsAfter(ecrRepositoryHardened, [
      [
        'ecr.tf',
        'resource "aws_ecr_lifecycle_policy" "payments" {\n  repository = aws_ecr_repository.payments.name',
        'resource "aws_ecr_lifecycle_policy" "payments" {\n  repository = "some-other-repository"',
      ],
    ]);
    expect(violationsAt(v, 'ecr.tf', REPO, 'no aws_ecr_lifecycle_policy targets this repository')).toHaveLength(1);
  });

  it('refuses a repository not named quickship/payments', async () => {
    const v = await violationsAfter(ecrRepositoryHardened, [
      ['variables.tf', 'default     = "quickship/payments"', 'default     = "quickship/payments-api"'],
    ]);
    expect(violationsAt(v, 'ecr.tf', REPO, 'no repository is named quickship/payments')).toHaveLength(1);
  });
});

// ---- database.ts ----
describe('rds-hardened', () => {
  it('refuses a single-AZ, public, unencrypted database', async () => {
    const v = await violationsAfter(rdsHardened, [
      ['rds.tf', 'multi_az               = true', 'multi_az               = false'],
      ['rds.tf', 'publicly_accessible    = false', 'publicly_accessible    = true'],
      ['rds.tf', 'storage_encrypted     = true', 'storage_encrypted     = false'],
    ]);
    expect(violationsAt(v, 'rds.tf', DB, 'multi_az is false')).toHaveLength(1);
    expect(violationsAt(v, 'rds.tf', DB, 'publicly_accessible is true')).toHaveLength(1);
    expect(violationsAt(v, 'rds.tf', DB, 'storage_encrypted is false')).toHaveLength(1);
  });

  it('refuses a Terraform-chosen master password', async () => {
    const v = await violationsAfter(rdsHardened, [
      [
        'rds.tf',
        'manage_master_user_password = true',
        'manage_master_user_password = false\n  password_wo                 = var.db_password',
      ],
    ]);
    expect(violationsAt(v, 'rds.tf', DB, 'manage_master_user_password is false')).toHaveLength(1);
    expect(violationsAt(v, 'rds.tf', DB, 'password_wo is set')).toHaveLength(1);
  });

  it('refuses deletion protection that defaults to off', async () => {
    const v = await violationsAfter(rdsHardened, [
      [
        'variables.tf',
        'description = "RDS deletion protection. Set to false and apply before `terraform destroy` (README.md, Teardown)."\n  type        = bool\n  default     = true',
        'description = "RDS deletion protection. Set to false and apply before `terraform destroy` (README.md, Teardown)."\n  type        = bool\n  default     = false',
      ],
    ]);
    expect(
      violationsAt(v, 'rds.tf', DB, 'deletion_protection is "${var.db_deletion_protection}" (resolves to false)'),
    ).toHaveLength(1);
  });

  it('refuses less than a week of backups, and a retention variable without its floor', async () => {
    const short = await violationsAfter(rdsHardened, [['variables.tf', 'default     = 14', 'default     = 3']]);
    expect(violationsAt(short, 'rds.tf', DB, 'backup_retention_period')).toHaveLength(1);
    const unguarded = await violationsAfter(rdsHardened, [
      [
        'variables.tf',
        'var.db_backup_retention_days >= 7 && var.db_backup_retention_days <= 35',
        'var.db_backup_retention_days <= 35',
      ],
    ]);
    expect(violationsAt(unguarded, 'variables.tf', 'var.db_backup_retention_days', 'no validation keeps')).toHaveLength(
      1,
    );
  });

  it('refuses a database outside the database subnet group', async () => {
    const v = await violationsAfter(rdsHardened, [
      ['rds.tf', '  db_subnet_group_name   = module.vpc.database_subnet_group\n', ''],
    ]);
    expect(violationsAt(v, 'rds.tf', DB, 'default VPC')).toHaveLength(1);
  });
});

describe('rds-only-from-nodes', () => {
  it('refuses an ingress rule open to a CIDR', async () => {
    const v = await violationsAfter(rdsOnlyFromNodes, [
      [
        'rds.tf',
        'referenced_security_group_id = module.eks.node_security_group_id',
        'cidr_ipv4                    = "10.0.0.0/16"',
      ],
    ]);
    expect(
      violationsAt(v, 'rds.tf', 'aws_vpc_security_group_ingress_rule.payments_db_from_nodes', 'admits cidr_ipv4'),
    ).toHaveLength(1);
  });

  it('refuses more ports than 5432', async () => {
    const v = await violationsAfter(rdsOnlyFromNodes, [
      ['rds.tf', 'from_port                    = 5432', 'from_port                    = 0'],
    ]);
    expect(
      violationsAt(v, 'rds.tf', 'aws_vpc_security_group_ingress_rule.payments_db_from_nodes', 'opens ports 0-5432'),
    ).toHaveLength(1);
  });

  it('refuses a database on a security group the policy cannot see', async () => {
    const v = await violationsAfter(rdsOnlyFromNodes, [
      [
        'rds.tf',
        'vpc_security_group_ids = [aws_security_group.payments_db.id]',
        'vpc_security_group_ids = [module.vpc.default_security_group_id]',
      ],
    ]);
    expect(violationsAt(v, 'rds.tf', DB, 'is not an aws_security_group of this configuration')).toHaveLength(1);
  });
});

// ---- identity.ts ----
describe('ci-oidc-trust-restricted', () => {
  it('refuses a trust policy open to every repository', async () => {
    const v = await violationsAfter(ciOidcTrustRestricted, [
      [
        'github-oidc.tf',
        'values   = [for ref in var.github_ci_refs : "repo:${var.github_repository}:ref:${ref}"]',
        'values   = ["repo:*"]',
      ],
    ]);
    expect(violationsAt(v, 'github-oidc.tf', TRUST, 'do not name one repository')).toHaveLength(1);
  });

  it('refuses a trust policy without a subject condition', async () => {
    const v = await violationsAfter(ciOidcTrustRestricted, [
      [
        'github-oidc.tf',
        'variable = "token.actions.githubusercontent.com:sub"',
        'variable = "token.actions.githubusercontent.com:actor"',
      ],
    ]);
    expect(violationsAt(v, 'github-oidc.tf', TRUST, 'no condition on the token subject')).toHaveLength(1);
  });

  it('refuses any ref of the repository (pull requests could push images)', async () => {
    const v = await violationsAfter(ciOidcTrustRestricted, [
      ['github-oidc.tf', '"repo:${var.github_repository}:ref:${ref}"]', '"repo:${var.github_repository}:*"]'],
    ]);
    expect(violationsAt(v, 'github-oidc.tf', TRUST, 'accept any ref')).toHaveLength(1);
  });

  it('refuses a variable in the subject that has no validation', async () => {
    const v = await violationsAfter(ciOidcTrustRestricted, [['variables.tf', GITHUB_CI_REFS_VALIDATION, '']]);
    expect(
      violationsAt(v, 'github-oidc.tf', TRUST, 'var.github_ci_refs feeds the token subject but has no validation'),
    ).toHaveLength(1);
  });

  it('refuses another audience than sts.amazonaws.com', async () => {
    const v = await violationsAfter(ciOidcTrustRestricted, [
      [
        'github-oidc.tf',
        'values   = ["sts.amazonaws.com"]',
        'values   = ["sts.amazonaws.com", "https://github.com/acme"]',
      ],
    ]);
    expect(violationsAt(v, 'github-oidc.tf', TRUST, 'the audience condition')).toHaveLength(1);
  });
});

describe('ci-push-scoped-to-repository', () => {
  it('refuses push actions on every repository', async () => {
    const v = await violationsAfter(ciPushScopedToRepository, [
      ['github-oidc.tf', 'resources = [aws_ecr_repository.payments.arn]', 'resources = ["*"]'],
    ]);
    expect(violationsAt(v, 'github-oidc.tf', PUSH, 'ecr:PutImage')).toHaveLength(1);
  });

  it('refuses wildcard actions and managed policies on the CI role', async () => {
    const v = await violationsAfter(ciPushScopedToRepository, [
      ['github-oidc.tf', '"ecr:UploadLayerPart",', '"ecr:*",'],
      [
        'github-oidc.tf',
        'resource "aws_iam_role_policy" "ci_ecr_push" {',
        'resource "aws_iam_role_policy_attachment" "ci_admin" {\n  role       = aws_iam_role.ci.name\n  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n\nresource "aws_iam_role_policy" "ci_ecr_push" {',
      ],
    ]);
    expect(violationsAt(v, 'github-oidc.tf', PUSH, 'wildcard actions ecr:*')).toHaveLength(1);
    expect(
      violationsAt(v, 'github-oidc.tf', 'aws_iam_role_policy_attachment.ci_admin', 'AdministratorAccess'),
    ).toHaveLength(1);
  });
});

describe('pod-identity-roles', () => {
  it('refuses the module\'s External Secrets policy (the review finding: ListSecrets and BatchGetSecretValue on "*")', async () => {
    const v = await violationsAfter(podIdentityRoles, [
      [
        'pod-identity.tf',
        'only through Secrets Manager.\n  attach_custom_policy = true\n  policy_statements = [',
        'only through Secrets Manager.\n  attach_external_secrets_policy        = true\n  external_secrets_secrets_manager_arns = ["arn:${local.partition}:secretsmanager:${var.region}:${local.account_id}:secret:${var.app_secrets_prefix}*"]\n  external_secrets_kms_key_arns         = [aws_kms_key.app_secrets.arn]\n  external_secrets_create_permission    = false\n  attach_custom_policy                  = false\n  policy_statements = [',
      ],
    ]);
    expect(violationsAt(v, 'pod-identity.tf', ESO, 'BatchGetSecretValue on "*"')).toHaveLength(1);
    expect(violationsAt(v, 'pod-identity.tf', ESO, 'attach_custom_policy is not true')).toHaveLength(1);
  });

  it('refuses a secret prefix or wildcard instead of the named secrets', async () => {
    const v = await violationsAfter(podIdentityRoles, [
      [
        'pod-identity.tf',
        '        aws_secretsmanager_secret.payments_api_keys.arn,\n',
        '        "arn:${local.partition}:secretsmanager:${var.region}:${local.account_id}:secret:${var.app_secrets_prefix}*",\n',
      ],
    ]);
    expect(violationsAt(v, 'pod-identity.tf', ESO, 'not one named secret each')).toHaveLength(1);
  });

  it('refuses more actions than reading, and decrypting with any key', async () => {
    const v = await violationsAfter(podIdentityRoles, [
      [
        'pod-identity.tf',
        'actions = ["secretsmanager:GetSecretValue"]',
        'actions = ["secretsmanager:GetSecretValue", "secretsmanager:ListSecrets"]',
      ],
      [
        'pod-identity.tf',
        'resources = [aws_kms_key.app_secrets.arn]\n      condition',
        'resources = ["*"]\n      condition',
      ],
    ]);
    expect(violationsAt(v, 'pod-identity.tf', ESO, 'also allows secretsmanager:ListSecrets')).toHaveLength(1);
    expect(violationsAt(v, 'pod-identity.tf', ESO, 'kms:Decrypt on *')).toHaveLength(1);
  });

  it('refuses a load balancer controller without its role', async () => {
    const v = await violationsAfter(podIdentityRoles, [
      ['pod-identity.tf', 'attach_aws_lb_controller_policy = true', 'attach_aws_lb_controller_policy = false'],
    ]);
    expect(
      violationsAt(v, 'infra/', 'terraform-aws-modules/eks-pod-identity/aws', 'AWS Load Balancer Controller'),
    ).toHaveLength(1);
  });

  it('refuses a role with no association to the cluster', async () => {
    const v = await violationsAfter(podIdentityRoles, [
      [
        'pod-identity.tf',
        '      cluster_name    = module.eks.cluster_name\n      namespace       = var.external_secrets_namespace',
        '      cluster_name    = "some-other-cluster"\n      namespace       = var.external_secrets_namespace',
      ],
    ]);
    expect(violationsAt(v, 'pod-identity.tf', ESO, 'association controller')).toHaveLength(1);
  });
});

// ---- gitops.ts ----
describe('argocd-installed', () => {
  it('refuses Argo CD from another chart', async () => {
    const v = await violationsAfter(argocdInstalled, [
      ['argocd.tf', 'chart            = "argo-cd"', 'chart            = "argocd-lite"'],
    ]);
    expect(violationsAt(v, 'infra/', 'helm_release (argo-cd)', 'not installed exactly once')).toHaveLength(1);
  });
});

describe('argocd-root-application', () => {
  it('refuses a root Application written from variables (the review finding: a second Git URL)', async () => {
    const v = await violationsAfter(argocdRootApplication, [
      [
        'argocd.tf',
        '      (local.gitops_root_app.metadata.name) = merge(local.gitops_root_app.spec, {',
        '      root = merge({ source = { repoURL = var.gitops_repo_url, path = "deploy/argocd" } }, {',
      ],
    ]);
    expect(
      violationsAt(v, 'argocd.tf', 'helm_release.argocd_root_app', 'not built from deploy/argocd/root.yaml'),
    ).toHaveLength(1);
    expect(violationsAt(v, 'argocd.tf', 'helm_release.argocd_root_app', 'also read var.gitops_repo_url')).toHaveLength(
      1,
    );
  });

  it('refuses a root Application read from another file', async () => {
    const v = await violationsAfter(argocdRootApplication, [
      ['argocd.tf', '/../deploy/argocd/root.yaml"))', '/root-application.yaml"))'],
    ]);
    expect(violationsAt(v, 'argocd.tf', 'helm_release.argocd_root_app', 'not built from')).toHaveLength(1);
  });

  it('refuses a root Application that may sync before the cluster secret exists', async () => {
    const v = await violationsAfter(argocdRootApplication, [
      ['argocd.tf', '  depends_on = [kubernetes_secret_v1.argocd_cluster]\n', ''],
    ]);
    expect(
      violationsAt(v, 'argocd.tf', 'helm_release.argocd_root_app', 'not ordered after the cluster secret'),
    ).toHaveLength(1);
  });
});

describe('controllers-after-pod-identity', () => {
  it('refuses a cluster secret that may exist before the associations (the review finding)', async () => {
    const v = await violationsAfter(controllersAfterPodIdentity, [
      ['argocd.tf', '    module.argo_rollouts_pod_identity,\n', ''],
    ]);
    expect(
      violationsAt(v, 'argocd.tf', 'kubernetes_secret_v1.argocd_cluster', 'lacks module.argo_rollouts_pod_identity'),
    ).toHaveLength(1);
    expect(v).toHaveLength(1);
  });
});

describe('region-matches-deploy', () => {
  it('refuses a region nothing compares with deploy/ (the review finding)', async () => {
    const v = await violationsAfter(regionMatchesDeploy, [
      [
        'variables.tf',
        '/../deploy/platform/clustersecretstore.yaml")).spec.provider.aws.region',
        '/region.yaml")).region',
      ],
    ]);
    expect(violationsAt(v, 'variables.tf', 'var.region', 'no validation compares var.region')).toHaveLength(1);
  });
});

describe('pod-identity-trust-scoped', () => {
  it('refuses a trust policy without aws:SourceAccount / aws:SourceArn (the review finding)', async () => {
    const v = await violationsAfter(podIdentityTrustScoped, [
      [
        'pod-identity.tf',
        '  name                    = "${local.name}-argo-rollouts"\n  trust_policy_conditions = local.pod_identity_trust_conditions\n',
        '  name = "${local.name}-argo-rollouts"\n',
      ],
      ['pod-identity.tf', '      variable = "aws:SourceArn"', '      variable = "aws:PrincipalTag/team"'],
    ]);
    expect(
      violationsAt(v, 'pod-identity.tf', 'module.argo_rollouts_pod_identity', 'no aws:SourceAccount or aws:SourceArn'),
    ).toHaveLength(1);
    expect(violationsAt(v, 'pod-identity.tf', ESO, 'no aws:SourceArn condition')).toHaveLength(1);
    expect(v).toHaveLength(4);
  });
});

describe('argocd-cluster-secret', () => {
  it('refuses a cluster secret missing metadata (read through local.gitops_bridge_annotations)', async () => {
    const v = await violationsAfter(argocdClusterSecret, [
      ['argocd.tf', '    aws_vpc_id                                   = module.vpc.vpc_id\n', ''],
    ]);
    expect(
      violationsAt(v, 'argocd.tf', 'kubernetes_secret_v1.argocd_cluster', 'annotations lack aws_vpc_id'),
    ).toHaveLength(1);
  });

  it('refuses a secret Argo CD would not see as a cluster', async () => {
    const v = await violationsAfter(argocdClusterSecret, [
      [
        'argocd.tf',
        '"argocd.argoproj.io/secret-type"    = "cluster"',
        '"argocd.argoproj.io/secret-type"    = "repository"',
      ],
    ]);
    expect(violationsAt(v, 'infra/', 'kubernetes_secret_v1 (Argo CD cluster)', 'secret-type = cluster')).toHaveLength(
      1,
    );
  });
});

// ---- hygiene.ts ----
describe('variables-typed-and-described', () => {
  it('refuses a variable without type or description', async () => {
    const v = await violationsAfter(variablesTypedAndDescribed, [
      [
        'variables.tf',
        'variable "argocd_namespace" {\n  description = "Namespace Argo CD is installed into."\n  type        = string\n',
        'variable "argocd_namespace" {\n',
      ],
    ]);
    expect(violationsAt(v, 'variables.tf', 'var.argocd_namespace', 'has no type')).toHaveLength(1);
    expect(violationsAt(v, 'variables.tf', 'var.argocd_namespace', 'has no useful description')).toHaveLength(1);
  });
});

describe('outputs-present', () => {
  it('refuses a missing output the README relies on', async () => {
    const v = await violationsAfter(outputsPresent, [
      ['outputs.tf', 'output "ecr_repository_url" {', 'output "ecr_url" {'],
    ]);
    expect(violationsAt(v, 'outputs.tf', 'output.ecr_repository_url', 'is missing')).toHaveLength(1);
  });
});

describe('no-hardcoded-secrets', () => {
  it('refuses a literal password, and a secret value written through Terraform', async () => {
    const v = await violationsAfter(noHardcodedSecrets, [
      [
        'rds.tf',
        '  username = "payments_admin"\n',
        '  username = "payments_admin"\n  password = "correct-horse-battery"\n',
      ],
      [
        'secrets.tf',
        'resource "aws_secretsmanager_secret" "payments_api_keys" {',
        'resource "aws_secretsmanager_secret_version" "payments_api_keys" {\n  secret_id     = aws_secretsmanager_secret.payments_api_keys.id\n  secret_string = "merchant_1:sk_live_123"\n}\n\nresource "aws_secretsmanager_secret" "payments_api_keys" {',
      ],
    ]);
    expect(violationsAt(v, 'rds.tf', 'module.payments_db', 'password is a literal secret value')).toHaveLength(1);
    expect(
      violationsAt(
        v,
        'secrets.tf',
        'aws_secretsmanager_secret_version.payments_api_keys',
        'secret_string is a literal secret value',
      ),
    ).toHaveLength(1);
    expect(
      violationsAt(v, 'secrets.tf', 'aws_secretsmanager_secret_version.payments_api_keys', 'lands in the state file'),
    ).toHaveLength(1);
  });

  it('refuses an access key or a database URL with a password anywhere in a file, comments included', async () => {
    const v = await violationsAfter(noHardcodedSecrets, [
      [
        'main.tf',
        'data "aws_caller_identity" "current" {}',
        '# old key: AKIAIOSFODNN7EXAMPLE\ndata "aws_caller_identity" "current" {}',
      ],
      [
        'argocd.tf',
        '    workload_repo_url                            = local.gitops_repo_url',
        '    workload_repo_url                            = local.gitops_repo_url\n    legacy_db                                    = "postgres://payments:s3cret@db:5432/payments"',
      ],
    ]);
    expect(violationsAt(v, 'main.tf', 'main.tf', 'an AWS access key id')).toHaveLength(1);
    expect(violationsAt(v, 'argocd.tf', 'argocd.tf', 'a database URL with a password')).toHaveLength(1);
  });

  it('refuses a default value on a secret variable', async () => {
    const v = await violationsAfter(noHardcodedSecrets, [
      [
        'variables.tf',
        'variable "tags" {',
        'variable "db_password" {\n  description = "Master password."\n  type        = string\n  default     = "changeme-changeme"\n}\n\nvariable "tags" {',
      ],
    ]);
    expect(violationsAt(v, 'variables.tf', 'var.db_password', 'literal default for a secret')).toHaveLength(1);
  });
});

describe('pod-identity-roles: Argo Rollouts', () => {
  it('refuses a missing target-group verification role', async () => {
    const v = await violationsAfter(podIdentityRoles, [
      ['pod-identity.tf', '      "elasticloadbalancing:DescribeTargetHealth",\n', ''],
    ]);
    expect(
      violationsAt(v, 'infra/', 'terraform-aws-modules/eks-pod-identity/aws', 'Argo Rollouts verify target groups'),
    ).toHaveLength(1);
  });

  it('refuses write access for the Argo Rollouts role', async () => {
    const v = await violationsAfter(podIdentityRoles, [
      ['pod-identity.tf', '      "elasticloadbalancing:DescribeTags",\n', '      "elasticloadbalancing:ModifyRule",\n'],
    ]);
    expect(
      violationsAt(v, 'pod-identity.tf', 'module.argo_rollouts_pod_identity', 'elasticloadbalancing:ModifyRule'),
    ).toHaveLength(1);
  });
});

describe('ecr-repository-hardened: force_delete', () => {
  it('refuses a repository that a destroy would empty by default', async () => {
    const v = await violationsAfter(ecrRepositoryHardened, [
      [
        'variables.tf',
        'Keep false; set to true and apply only for teardown (README.md, Teardown)."\n  type        = bool\n  default     = false',
        'Keep false; set to true and apply only for teardown (README.md, Teardown)."\n  type        = bool\n  default     = true',
      ],
    ]);
    expect(violationsAt(v, 'ecr.tf', REPO, 'force_delete defaults to true')).toHaveLength(1);
  });
});
