# EKS Pod Identity roles (terraform-aws-modules/eks-pod-identity): the trust policy names the
# pods.eks.amazonaws.com service and each association binds the role to one service account.

locals {
  # Built from its parts (not module.eks.cluster_arn) so it is known at plan time and the EBS CSI
  # role, which the cluster's add-on references, does not depend on the cluster.
  cluster_arn = "arn:${local.partition}:eks:${var.region}:${local.account_id}:cluster/${local.name}"

  # Confused-deputy guard on every Pod Identity trust policy: the EKS Auth service may assume the
  # role only on behalf of this account's cluster, not another cluster that learns the role ARN
  # (EKS user guide, pod-id-role: aws:SourceAccount and aws:SourceArn).
  pod_identity_trust_conditions = [
    {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    },
    {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.cluster_arn]
    },
  ]
}

module "aws_load_balancer_controller_pod_identity" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "~> 2.8"

  name                    = "${local.name}-aws-lbc"
  trust_policy_conditions = local.pod_identity_trust_conditions

  # The module's policy is the upstream AWS Load Balancer Controller IAM policy.
  attach_aws_lb_controller_policy = true

  associations = {
    controller = {
      cluster_name    = module.eks.cluster_name
      namespace       = var.aws_load_balancer_controller_namespace
      service_account = var.aws_load_balancer_controller_service_account
    }
  }
}

module "external_secrets_pod_identity" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "~> 2.8"

  name                    = "${local.name}-external-secrets"
  trust_policy_conditions = local.pod_identity_trust_conditions

  # Least privilege: exactly what deploy/ reads. The ExternalSecrets fetch each secret by name
  # (remoteRef.key, no metadataPolicy, no dataFrom.find), which is one GetSecretValue call per
  # secret, and the store's health check only loads credentials (ESO providers/v1/aws/secretsmanager:
  # GetSecret, Validate); the module's attach_external_secrets_policy would add ListSecrets and
  # BatchGetSecretValue on "*" and Describe/ListVersions on the prefix. kms:Decrypt only on the
  # application key and only through Secrets Manager.
  attach_custom_policy = true
  policy_statements = [
    {
      sid     = "ReadPaymentsSecrets"
      actions = ["secretsmanager:GetSecretValue"]
      resources = [
        aws_secretsmanager_secret.payments_database_url.arn,
        aws_secretsmanager_secret.payments_api_keys.arn,
      ]
    },
    {
      sid       = "DecryptPaymentsSecrets"
      actions   = ["kms:Decrypt"]
      resources = [aws_kms_key.app_secrets.arn]
      condition = [{
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${var.region}.amazonaws.com"]
      }]
    },
  ]

  associations = {
    controller = {
      cluster_name    = module.eks.cluster_name
      namespace       = var.external_secrets_namespace
      service_account = var.external_secrets_service_account
    }
  }
}

# The EBS CSI driver's association is made by the EKS add-on itself (eks.tf), so no association here.
module "ebs_csi_pod_identity" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "~> 2.8"

  create                  = var.enable_ebs_csi_driver
  name                    = "${local.name}-ebs-csi"
  trust_policy_conditions = local.pod_identity_trust_conditions

  attach_aws_ebs_csi_policy = true
}

# Argo Rollouts runs with --aws-verify-target-group (deploy/argocd): before switching the active
# Service it reads the ALB target groups to check that the new pods' IPs are registered. These
# read-only ELB calls (argo-rollouts docs/features/traffic-management/alb.md) have no resource-level
# permissions, hence "*".
module "argo_rollouts_pod_identity" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "~> 2.8"

  name                    = "${local.name}-argo-rollouts"
  trust_policy_conditions = local.pod_identity_trust_conditions

  attach_custom_policy = true
  policy_statements = [{
    sid = "VerifyTargetGroups"
    actions = [
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeRules",
      "elasticloadbalancing:DescribeTags",
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetHealth",
    ]
    resources = ["*"]
  }]

  associations = {
    controller = {
      cluster_name    = module.eks.cluster_name
      namespace       = var.argo_rollouts_namespace
      service_account = var.argo_rollouts_service_account
    }
  }
}
