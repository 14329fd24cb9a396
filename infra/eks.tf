locals {
  # Managed add-ons. vpc-cni and the Pod Identity agent go in before the node groups so the first
  # nodes come up with networking and credentials. enableNetworkPolicy turns on the VPC CNI's
  # NetworkPolicy enforcement; without it the payments NetworkPolicies would be accepted by the API
  # server and silently ignored.
  #
  # Every add-on runs the version in var.eks_addon_versions: the module's default (most_recent =
  # true) would resolve a new version on any plan and upgrade the add-on unreviewed, so the versions
  # are pinned like the Helm charts and moved deliberately.
  eks_core_addons = {
    vpc-cni = {
      addon_version        = var.eks_addon_versions["vpc-cni"]
      most_recent          = false
      before_compute       = true
      configuration_values = jsonencode({ enableNetworkPolicy = "true" })
    }
    eks-pod-identity-agent = {
      addon_version  = var.eks_addon_versions["eks-pod-identity-agent"]
      most_recent    = false
      before_compute = true
    }
    kube-proxy = {
      addon_version = var.eks_addon_versions["kube-proxy"]
      most_recent   = false
    }
    coredns = {
      addon_version = var.eks_addon_versions["coredns"]
      most_recent   = false
    }
  }

  eks_ebs_csi_addon = {
    aws-ebs-csi-driver = {
      addon_version = var.eks_addon_versions["aws-ebs-csi-driver"]
      most_recent   = false
      pod_identity_association = [{
        role_arn        = module.ebs_csi_pod_identity.iam_role_arn
        service_account = "ebs-csi-controller-sa"
      }]
    }
  }

  # Access entries (authentication_mode = "API"): each listed IAM role is a cluster admin. Keyed by
  # the ARN, not its position: removing one role from the list must not replace the others' entries.
  cluster_admin_access_entries = {
    for arn in var.cluster_admin_role_arns : arn => {
      principal_arn = arn
      policy_associations = {
        cluster_admin = {
          policy_arn   = "arn:${local.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
          access_scope = { type = "cluster" }
        }
      }
    }
  }

  # Operators reach the API server through the private endpoint (VPN, bastion, CI runner in the VPC):
  # the cluster security group admits 443 only from the nodes unless these sources are listed.
  cluster_operator_rules = merge(
    {
      for cidr in var.cluster_operator_cidrs : "ingress_operator_${cidr}" => {
        description = "Operators (VPN/bastion ${cidr}) to the private API endpoint"
        protocol    = "tcp"
        from_port   = 443
        to_port     = 443
        type        = "ingress"
        cidr_blocks = [cidr]
      }
    },
    {
      for id in var.cluster_operator_security_group_ids : "ingress_operator_${id}" => {
        description              = "Operators (security group ${id}) to the private API endpoint"
        protocol                 = "tcp"
        from_port                = 443
        to_port                  = 443
        type                     = "ingress"
        source_security_group_id = id
      }
    },
  )
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 21.19"

  name               = local.name
  kubernetes_version = var.kubernetes_version

  vpc_id                   = module.vpc.vpc_id
  subnet_ids               = module.vpc.private_subnets
  control_plane_subnet_ids = module.vpc.intra_subnets

  # The private endpoint is always on (nodes and in-VPC operators use it). The public endpoint is
  # only opened, and then only to the listed CIDRs, when the operator running Terraform sits
  # outside the VPC. The module's own default for the CIDRs is 0.0.0.0/0, so pass them explicitly.
  endpoint_private_access      = true
  endpoint_public_access       = length(var.cluster_endpoint_public_access_cidrs) > 0
  endpoint_public_access_cidrs = var.cluster_endpoint_public_access_cidrs

  # 443 on the cluster security group from the operators' VPN/bastion CIDRs or security groups, so
  # Terraform, Helm and kubectl can use the private endpoint (README.md, "Reaching the API server").
  security_group_additional_rules = local.cluster_operator_rules

  # Workloads get AWS credentials from EKS Pod Identity (pod-identity.tf); no IRSA OIDC provider.
  enable_irsa = false

  authentication_mode = "API"
  # Terraform's own identity needs cluster access to install Argo CD with the helm provider.
  enable_cluster_creator_admin_permissions = true
  access_entries                           = local.cluster_admin_access_entries

  # Envelope encryption of Kubernetes Secrets with a module-managed, rotated KMS key.
  create_kms_key          = true
  enable_kms_key_rotation = true
  encryption_config = {
    resources = ["secrets"]
  }

  enabled_log_types                      = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
  cloudwatch_log_group_retention_in_days = var.log_retention_days

  deletion_protection = var.cluster_deletion_protection

  addons = merge(local.eks_core_addons, var.enable_ebs_csi_driver ? local.eks_ebs_csi_addon : {})

  # With target-type ip the ALB sends traffic and health checks straight to pod IPs on the
  # container port, through the node security group. Missing this rule is what made the original
  # project's ingress time out. The source is the public subnets, where the internet-facing ALB's
  # ENIs live (the Ingress in deploy/ is internet-facing), exactly as the payments NetworkPolicy
  # admits it: not the VPC CIDR, which holds every node and pod (Grafana listens on 3000 too).
  node_security_group_additional_rules = {
    ingress_alb_to_payments_pods = {
      description = "ALB (target-type ip) in the public subnets to payments pods on the container port"
      protocol    = "tcp"
      from_port   = var.payments_container_port
      to_port     = var.payments_container_port
      type        = "ingress"
      cidr_blocks = local.public_subnets
    }
  }

  eks_managed_node_groups = {
    default = {
      ami_type       = var.node_ami_type
      instance_types = var.node_instance_types
      capacity_type  = "ON_DEMAND"

      min_size     = var.node_min_size
      max_size     = var.node_max_size
      desired_size = var.node_desired_size

      subnet_ids = module.vpc.private_subnets

      # IMDSv2 only, and a hop limit of 1 so pods cannot reach the node's instance role through
      # IMDS; workloads get AWS credentials from Pod Identity instead.
      metadata_options = {
        http_endpoint               = "enabled"
        http_tokens                 = "required"
        http_put_response_hop_limit = 1
      }

      block_device_mappings = {
        xvda = {
          device_name = "/dev/xvda"
          ebs = {
            volume_size           = var.node_disk_size_gib
            volume_type           = "gp3"
            encrypted             = true
            delete_on_termination = true
          }
        }
      }

      update_config = {
        max_unavailable_percentage = 33
      }
    }
  }
}
