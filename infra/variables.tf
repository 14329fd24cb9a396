################################################################################
# General
################################################################################

variable "region" {
  description = "AWS region for every resource, e.g. eu-west-1. Needs at least three Availability Zones."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region code such as eu-west-1."
  }

  # One region for both layers: the ClusterSecretStore (and the ECR host in images.json) are
  # rendered from packages/manifests/src/environments/eks.ts. A plan for another region fails here
  # instead of leaving External Secrets reading Secrets Manager in the wrong region.
  validation {
    condition     = var.region == yamldecode(file("${path.module}/../deploy/platform/clustersecretstore.yaml")).spec.provider.aws.region
    error_message = "region differs from the region deploy/platform/clustersecretstore.yaml was rendered with: set aws.region in packages/manifests/src/environments/eks.ts to the same region, run npm run render and commit, then plan again."
  }
}

variable "name" {
  description = "Name of the platform, used for the VPC, the EKS cluster and as a prefix of IAM roles."
  type        = string
  default     = "quickship"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name))
    error_message = "name must be 3-20 characters of lowercase letters, digits and '-', starting with a letter (it prefixes IAM role names, which are limited to 38 characters as prefixes)."
  }
}

variable "environment" {
  description = "Environment name, written into tags and into the Argo CD cluster secret labels."
  type        = string
  default     = "production"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.environment))
    error_message = "environment must be lowercase letters, digits and '-' (it is a Kubernetes label value)."
  }
}

variable "tags" {
  description = "Extra tags for every AWS resource (merged into the provider's default_tags)."
  type        = map(string)
  default     = {}
}

variable "log_retention_days" {
  description = "CloudWatch retention in days for EKS control-plane logs, VPC flow logs and RDS logs."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, …)."
  }
}

################################################################################
# Network
################################################################################

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC. Must be a /16: the subnet plan in main.tf carves /20 private and /24 public, intra and database subnets from it."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && endswith(var.vpc_cidr, "/16")
    error_message = "vpc_cidr must be a valid IPv4 /16 such as 10.0.0.0/16."
  }
}

################################################################################
# EKS
################################################################################

# EKS Kubernetes release calendar, checked 2026-11-27:
#   1.33  standard support ended 2026-07-29 (extended only)
#   1.34  standard support ends  2026-12-02 (days away: a new cluster would go straight to extended)
#   1.35  EKS release 2026-01-28, standard support until 2027-03-27
#   1.36  EKS release 2026-06-02, standard support until 2027-08-02 (release date from AWS's What's
#         New as cited by third parties, end date by the 14-month rule; confirm with
#         `aws eks describe-cluster-versions --cluster-versions 1.36`)
# (1.30, the original design's version, left extended support on 2026-07-23.) Only versions with
# months of standard support left are accepted; update this list, the validation and
# packages/infra-policy/src/eks-calendar.ts together when the calendar moves.
variable "kubernetes_version" {
  description = "Kubernetes minor version of the EKS control plane and node groups. Only versions in EKS standard support are accepted."
  type        = string
  default     = "1.36"

  validation {
    condition     = contains(["1.35", "1.36"], var.kubernetes_version)
    error_message = "kubernetes_version must be 1.35 or 1.36, the EKS versions in standard support as of 2026-11-27 (1.34 leaves it on 2026-12-02, 1.33 and older are in paid extended support or unsupported)."
  }
}

variable "cluster_endpoint_public_access_cidrs" {
  description = "CIDRs allowed to reach the public EKS API endpoint. Empty (the default) disables the public endpoint; the private endpoint is always on. Use the /32 of the machine running Terraform when it is outside the VPC."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for cidr in var.cluster_endpoint_public_access_cidrs : can(cidrhost(cidr, 0))])
    error_message = "cluster_endpoint_public_access_cidrs must contain valid IPv4 CIDRs such as 203.0.113.10/32."
  }

  validation {
    condition     = alltrue([for cidr in var.cluster_endpoint_public_access_cidrs : !endswith(cidr, "/0")])
    error_message = "cluster_endpoint_public_access_cidrs must not contain 0.0.0.0/0 (or any /0): list the operator's own /32 instead, or leave it empty and use the private endpoint."
  }
}

variable "cluster_operator_cidrs" {
  description = "CIDRs of the operators' VPN or bastion that reach the private EKS API endpoint; each gets 443 on the cluster security group. Without one (or cluster_operator_security_group_ids, or a public CIDR) Terraform, Helm and kubectl time out from outside the nodes."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for cidr in var.cluster_operator_cidrs : can(cidrhost(cidr, 0)) && !endswith(cidr, "/0")])
    error_message = "cluster_operator_cidrs must contain IPv4 CIDRs such as 10.100.0.0/24 (the VPN client range), never a /0."
  }
}

variable "cluster_operator_security_group_ids" {
  description = "Security groups (e.g. a bastion's, or a CI runner's in the VPC) allowed to reach the private EKS API endpoint on 443."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.cluster_operator_security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", id))])
    error_message = "cluster_operator_security_group_ids must contain security group IDs such as sg-0123456789abcdef0."
  }
}

variable "cluster_admin_role_arns" {
  description = "IAM role ARNs given cluster-admin through EKS access entries (AmazonEKSClusterAdminPolicy), e.g. the platform team's SSO role. Leave out the identity running Terraform: it is already admin (enable_cluster_creator_admin_permissions)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.cluster_admin_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", arn))])
    error_message = "cluster_admin_role_arns must contain IAM role ARNs such as arn:aws:iam::123456789012:role/PlatformAdmin."
  }
}

variable "cluster_deletion_protection" {
  description = "EKS deletion protection. Set to false and apply before `terraform destroy` (README.md, Teardown)."
  type        = bool
  default     = true
}

variable "node_ami_type" {
  description = "AMI type of the managed node group. Amazon Linux 2023 only (AL2 is not published for Kubernetes 1.33+)."
  type        = string
  default     = "AL2023_x86_64_STANDARD"

  validation {
    condition     = startswith(var.node_ami_type, "AL2023_")
    error_message = "node_ami_type must be an Amazon Linux 2023 AMI type such as AL2023_x86_64_STANDARD or AL2023_ARM_64_STANDARD."
  }
}

variable "node_instance_types" {
  description = "EC2 instance types of the managed node group."
  type        = list(string)
  default     = ["m6i.large"]

  validation {
    condition     = length(var.node_instance_types) > 0
    error_message = "node_instance_types must list at least one instance type."
  }
}

variable "node_min_size" {
  description = "Minimum nodes. At least 3 so every AZ has a node for the zone-spread payments pods."
  type        = number
  default     = 3

  validation {
    condition     = var.node_min_size >= 3
    error_message = "node_min_size must be at least 3 (one node per Availability Zone)."
  }
}

variable "node_max_size" {
  description = "Maximum nodes; leave room for the preview ReplicaSet during a blue/green release."
  type        = number
  default     = 6

  validation {
    condition     = var.node_max_size >= var.node_min_size
    error_message = "node_max_size must be greater than or equal to node_min_size."
  }
}

variable "node_desired_size" {
  description = "Initial node count (the module ignores later changes so an autoscaler can own it)."
  type        = number
  default     = 3

  validation {
    condition     = var.node_desired_size >= var.node_min_size && var.node_desired_size <= var.node_max_size
    error_message = "node_desired_size must be between node_min_size and node_max_size."
  }
}

variable "node_disk_size_gib" {
  description = "Root EBS volume size (GiB, gp3, encrypted) of each node."
  type        = number
  default     = 50

  validation {
    condition     = var.node_disk_size_gib >= 20
    error_message = "node_disk_size_gib must be at least 20 GiB."
  }
}

# No defaults on purpose: nothing here can ask EKS which versions exist, and a guessed version would
# fail at apply. Look them up for var.kubernetes_version (README.md, "Add-on versions"):
#   aws eks describe-addon-versions --kubernetes-version 1.36 --addon-name <name> \
#     --query 'addons[].addonVersions[?compatibilities[?defaultVersion]].addonVersion' --output text
variable "eks_addon_versions" {
  description = "Exact version of every EKS managed add-on (vpc-cni, coredns, kube-proxy, eks-pod-identity-agent, aws-ebs-csi-driver), e.g. v1.21.1-eksbuild.3, for var.kubernetes_version. Pinned like the Helm charts: an add-on changes only when this changes."
  type        = map(string)

  validation {
    condition     = alltrue([for name in ["vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent", "aws-ebs-csi-driver"] : contains(keys(var.eks_addon_versions), name)])
    error_message = "eks_addon_versions must name a version for each of vpc-cni, coredns, kube-proxy, eks-pod-identity-agent and aws-ebs-csi-driver."
  }

  validation {
    condition     = alltrue([for version in values(var.eks_addon_versions) : can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+-eksbuild\\.[0-9]+$", version))])
    error_message = "eks_addon_versions values must be exact EKS add-on versions such as v1.21.1-eksbuild.3 (see aws eks describe-addon-versions)."
  }
}

variable "enable_ebs_csi_driver" {
  description = "Install the aws-ebs-csi-driver add-on (with its Pod Identity role) for PersistentVolumes, e.g. Prometheus storage."
  type        = bool
  default     = true
}

variable "payments_container_port" {
  description = "Container port of the payments pods; the ALB (target-type ip) connects to it directly."
  type        = number
  default     = 3000

  validation {
    condition     = var.payments_container_port >= 1024 && var.payments_container_port <= 65535
    error_message = "payments_container_port must be an unprivileged port (1024-65535): the container runs as non-root."
  }
}

################################################################################
# Controllers running with Pod Identity
################################################################################

variable "aws_load_balancer_controller_namespace" {
  description = "Namespace of the AWS Load Balancer Controller service account."
  type        = string
  default     = "kube-system"
}

variable "aws_load_balancer_controller_service_account" {
  description = "Service account of the AWS Load Balancer Controller (the chart's default name)."
  type        = string
  default     = "aws-load-balancer-controller"
}

variable "argo_rollouts_namespace" {
  description = "Namespace of the Argo Rollouts controller service account."
  type        = string
  default     = "argo-rollouts"
}

variable "argo_rollouts_service_account" {
  description = "Service account of the Argo Rollouts controller (the chart's default name)."
  type        = string
  default     = "argo-rollouts"
}

variable "external_secrets_namespace" {
  description = "Namespace of the External Secrets Operator service account."
  type        = string
  default     = "external-secrets"
}

variable "external_secrets_service_account" {
  description = "Service account of the External Secrets Operator controller (the chart's default name)."
  type        = string
  default     = "external-secrets"
}

################################################################################
# ECR
################################################################################

variable "ecr_repository_name" {
  description = "ECR repository of the payments image; its last path segment must stay `payments` (the local engine maps images by that name)."
  type        = string
  default     = "quickship/payments"

  validation {
    condition     = can(regex("^([a-z0-9]+(?:[._-][a-z0-9]+)*/)*payments$", var.ecr_repository_name))
    error_message = "ecr_repository_name must be a lowercase ECR name ending in /payments, e.g. quickship/payments."
  }
}

variable "ecr_force_delete" {
  description = "Let `terraform destroy` delete the ECR repository together with its images. Keep false; set to true and apply only for teardown (README.md, Teardown)."
  type        = bool
  default     = false
}

variable "ecr_keep_image_count" {
  description = "How many images the ECR lifecycle policy keeps; older ones expire. Keep it well above the number of releases you may roll back to."
  type        = number
  default     = 200

  validation {
    condition     = var.ecr_keep_image_count >= 30
    error_message = "ecr_keep_image_count must be at least 30 so rollbacks never find their image expired."
  }
}

################################################################################
# RDS PostgreSQL
################################################################################

variable "db_engine_version" {
  description = "PostgreSQL major version on RDS (RDS picks the latest minor)."
  type        = string
  default     = "17"

  validation {
    condition     = contains(["16", "17", "18"], var.db_engine_version)
    error_message = "db_engine_version must be a current PostgreSQL major version: 16, 17 or 18."
  }
}

variable "db_instance_class" {
  description = "RDS instance class of the payments database."
  type        = string
  default     = "db.m7g.large"

  validation {
    condition     = startswith(var.db_instance_class, "db.")
    error_message = "db_instance_class must be an RDS instance class such as db.m7g.large."
  }
}

variable "db_allocated_storage" {
  description = "Initial storage of the payments database in GiB (gp3)."
  type        = number
  default     = 50

  validation {
    condition     = var.db_allocated_storage >= 20
    error_message = "db_allocated_storage must be at least 20 GiB (gp3 minimum)."
  }
}

variable "db_max_allocated_storage" {
  description = "Upper bound in GiB for RDS storage autoscaling."
  type        = number
  default     = 200

  validation {
    condition     = var.db_max_allocated_storage >= var.db_allocated_storage
    error_message = "db_max_allocated_storage must be greater than or equal to db_allocated_storage."
  }
}

variable "db_backup_retention_days" {
  description = "Days of automated RDS backups (point-in-time recovery window)."
  type        = number
  default     = 14

  validation {
    condition     = var.db_backup_retention_days >= 7 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be between 7 and 35: a payments database keeps at least a week of point-in-time recovery."
  }
}

variable "db_deletion_protection" {
  description = "RDS deletion protection. Set to false and apply before `terraform destroy` (README.md, Teardown)."
  type        = bool
  default     = true
}

variable "app_secrets_prefix" {
  description = "Secrets Manager name prefix of the application secrets; the External Secrets role can read only this prefix."
  type        = string
  default     = "quickship/payments/"

  validation {
    condition     = can(regex("^[A-Za-z0-9_+=.@-]+(/[A-Za-z0-9_+=.@-]+)*/$", var.app_secrets_prefix))
    error_message = "app_secrets_prefix must be a Secrets Manager path ending in '/', without wildcards, e.g. quickship/payments/."
  }
}

################################################################################
# CI (GitHub Actions OIDC)
################################################################################

variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows may push the payments image."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.github_repository))
    error_message = "github_repository must be owner/name, e.g. acme/quickship (no wildcards)."
  }
}

variable "github_ci_refs" {
  description = "Git refs (patterns allowed after a fixed prefix) whose workflow runs may assume the CI role. Default: release tags v*."
  type        = list(string)
  default     = ["refs/tags/v*"]

  validation {
    condition     = length(var.github_ci_refs) > 0 && alltrue([for ref in var.github_ci_refs : can(regex("^refs/(tags|heads)/[A-Za-z0-9._/-]+\\*?$", ref))])
    error_message = "github_ci_refs must list refs such as refs/tags/v* or refs/heads/main; a bare * (any ref, any branch) is refused."
  }
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider. Set to false when the account already has one (there can be only one per URL)."
  type        = bool
  default     = true
}

################################################################################
# Argo CD bootstrap
################################################################################

variable "argocd_namespace" {
  description = "Namespace Argo CD is installed into."
  type        = string
  default     = "argocd"
}

variable "argocd_chart_version" {
  description = "Exact version of the argo/argo-cd Helm chart (10.1.1 ships Argo CD v3.4.4)."
  type        = string
  default     = "10.1.1"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.argocd_chart_version))
    error_message = "argocd_chart_version must be an exact chart version such as 10.1.1 (no ranges)."
  }
}

variable "argocd_apps_chart_version" {
  description = "Exact version of the argo/argocd-apps Helm chart that creates the root Application."
  type        = string
  default     = "2.0.5"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.argocd_apps_chart_version))
    error_message = "argocd_apps_chart_version must be an exact chart version such as 2.0.5 (no ranges)."
  }
}
