# Versions checked on 2026-11-27 against the upstream sources (see README.md, "Versions"):
# - terraform >= 1.11.1: terraform-aws-modules/rds v7 needs write-only attributes (UPGRADE-7.0.md).
# - aws ~> 6.28: the floor required by vpc v6.6, eks v21.19, rds v7.2 and eks-pod-identity v2.8.
# - helm ~> 3.1: v3 moved to the plugin framework, so `kubernetes = {}` and `set = [...]` are
#   attributes, not blocks (docs/guides/v3-upgrade-guide.md).
# - kubernetes ~> 3.2: v3 keeps only the `_v1` resource names used here (CHANGELOG 3.0.0).
terraform {
  required_version = ">= 1.11.1, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.28"
    }
    helm = {
      source  = "hashicorp/helm"
      version = "~> 3.1"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 3.2"
    }
  }
}
