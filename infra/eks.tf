locals {
  # Managed add-ons. vpc-cni and the Pod Identity agent go in before the node groups so the first
  # nodes come up with networking and credentials. enableNetworkPolicy turns on the VPC CNI's
  # NetworkPolicy enforcement; without it the payments NetworkPolicies would be accepted by the API
  # server and silently ignored.
  eks_core_addons = {
    vpc-cni = {
      before_compute       = true
      configuration_values = jsonencode({ enableNetworkPolicy = "true" })
    }
    eks-pod-identity-agent = {
      before_compute = true
    }
    kube-proxy = {}
    coredns    = {}
  }

  eks_optional_addons = var.enable_ebs_csi_driver ? {
    aws-ebs-csi-driver = {
      pod_identity_association = [{
        role_arn        = module.ebs_csi_pod_identity.iam_role_arn
        service_account = "ebs-csi-controller-sa"
      }]
    }
  } : {}

  # Access entries (authentication_mode = "API"): each listed IAM role is a cluster admin.
  cluster_admin_access_entries = {
    for index, arn in var.cluster_admin_role_arns : "admin-${index}" => {
      principal_arn = arn
      policy_associations = {
        cluster_admin = {
          policy_arn   = "arn:${local.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
          access_scope = { type = "cluster" }
        }
      }
    }
  }
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

  addons = merge(local.eks_core_addons, local.eks_optional_addons)

  # With target-type ip the ALB sends traffic and health checks straight to pod IPs on the
  # container port, through the node security group. Missing this rule is what made the original
  # project's ingress time out. The source is the VPC CIDR because the ALB's ENIs live in the VPC's
  # public (internet-facing) or private (internal) subnets, whichever scheme the Ingress picks;
  # the NetworkPolicy in deploy/ narrows it further inside the cluster.
  node_security_group_additional_rules = {
    ingress_alb_to_payments_pods = {
      description = "ALB (target-type ip) to payments pods on the container port"
      protocol    = "tcp"
      from_port   = var.payments_container_port
      to_port     = var.payments_container_port
      type        = "ingress"
      cidr_blocks = [var.vpc_cidr]
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
