data "aws_availability_zones" "available" {
  # Local Zones and Wavelength Zones cannot host EKS control-plane ENIs or RDS Multi-AZ standbys.
  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  name       = var.name
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # Three AZs: Multi-AZ RDS, a NAT gateway per AZ and zone topology spread for the Rollout.
  azs = slice(data.aws_availability_zones.available.names, 0, 3)

  # Subnet plan inside the /16 (same layout as the terraform-aws-eks examples):
  #   private  /20 per AZ  10.0.0.0 - 10.0.47.255   nodes and pods (VPC CNI gives pods VPC IPs)
  #   public   /24 per AZ  10.0.48.0 - 10.0.50.255  internet-facing ALBs, NAT gateways
  #   intra    /24 per AZ  10.0.52.0 - 10.0.54.255  EKS control-plane ENIs, no internet route
  #   database /24 per AZ  10.0.56.0 - 10.0.58.255  RDS subnet group
  private_subnets  = [for k, _ in local.azs : cidrsubnet(var.vpc_cidr, 4, k)]
  public_subnets   = [for k, _ in local.azs : cidrsubnet(var.vpc_cidr, 8, k + 48)]
  intra_subnets    = [for k, _ in local.azs : cidrsubnet(var.vpc_cidr, 8, k + 52)]
  database_subnets = [for k, _ in local.azs : cidrsubnet(var.vpc_cidr, 8, k + 56)]

  tags = merge(var.tags, {
    Project     = "quickship"
    Environment = var.environment
    ManagedBy   = "terraform"
  })
}
