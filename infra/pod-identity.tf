# EKS Pod Identity roles (terraform-aws-modules/eks-pod-identity): the trust policy names the
# pods.eks.amazonaws.com service and each association binds the role to one service account.

module "aws_load_balancer_controller_pod_identity" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "~> 2.8"

  name = "${local.name}-aws-lbc"

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

  name = "${local.name}-external-secrets"

  # Least privilege: read (never create or delete) the secrets under the application prefix and
  # decrypt with the application key. The module adds secretsmanager:ListSecrets and
  # BatchGetSecretValue on "*" (names only; every value still needs GetSecretValue on the prefix).
  attach_external_secrets_policy        = true
  external_secrets_secrets_manager_arns = ["arn:${local.partition}:secretsmanager:${var.region}:${local.account_id}:secret:${var.app_secrets_prefix}*"]
  external_secrets_kms_key_arns         = [aws_kms_key.app_secrets.arn]
  external_secrets_create_permission    = false

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

  create = var.enable_ebs_csi_driver
  name   = "${local.name}-ebs-csi"

  attach_aws_ebs_csi_policy = true
}

# Argo Rollouts runs with --aws-verify-target-group (deploy/argocd): before switching the active
# Service it reads the ALB target groups to check that the new pods' IPs are registered. These
# read-only ELB calls (argo-rollouts docs/features/traffic-management/alb.md) have no resource-level
# permissions, hence "*".
module "argo_rollouts_pod_identity" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "~> 2.8"

  name = "${local.name}-argo-rollouts"

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
