################################################################################
# Network
################################################################################

output "vpc_id" {
  description = "ID of the VPC."
  value       = module.vpc.vpc_id
}

output "private_subnet_ids" {
  description = "Private subnets (nodes and pods)."
  value       = module.vpc.private_subnets
}

################################################################################
# EKS
################################################################################

output "region" {
  description = "AWS region of the platform."
  value       = var.region
}

output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "Endpoint of the EKS API server."
  value       = module.eks.cluster_endpoint
}

output "cluster_version" {
  description = "Kubernetes version of the EKS control plane."
  value       = module.eks.cluster_version
}

output "configure_kubectl" {
  description = "Command that writes a kubeconfig context for the cluster."
  value       = "aws eks update-kubeconfig --region ${var.region} --name ${module.eks.cluster_name}"
}

output "node_security_group_id" {
  description = "Security group of the EKS nodes (the only source allowed into the database)."
  value       = module.eks.node_security_group_id
}

################################################################################
# Images and CI
################################################################################

output "ecr_repository_url" {
  description = "URL of the payments ECR repository (<account>.dkr.ecr.<region>.amazonaws.com/quickship/payments)."
  value       = aws_ecr_repository.payments.repository_url
}

output "ci_role_arn" {
  description = "IAM role GitHub Actions assumes through OIDC to push payments images (role-to-assume)."
  value       = aws_iam_role.ci.arn
}

################################################################################
# Database and application secrets
################################################################################

output "rds_endpoint" {
  description = "host:port of the payments PostgreSQL instance."
  value       = module.payments_db.db_instance_endpoint
}

output "rds_address" {
  description = "Hostname of the payments PostgreSQL instance."
  value       = module.payments_db.db_instance_address
}

output "rds_master_user_secret_arn" {
  description = "Secrets Manager ARN of the RDS-managed master credentials (for the one-time database setup, not for the application)."
  value       = module.payments_db.db_instance_master_user_secret_arn
}

output "payments_database_url_secret_name" {
  description = "Secrets Manager secret to hold the payments DATABASE_URL (read by External Secrets)."
  value       = aws_secretsmanager_secret.payments_database_url.name
}

output "payments_api_keys_secret_name" {
  description = "Secrets Manager secret to hold PAYMENTS_API_KEYS (read by External Secrets)."
  value       = aws_secretsmanager_secret.payments_api_keys.name
}

################################################################################
# Pod Identity roles
################################################################################

output "aws_load_balancer_controller_role_arn" {
  description = "Pod Identity role of the AWS Load Balancer Controller."
  value       = module.aws_load_balancer_controller_pod_identity.iam_role_arn
}

output "argo_rollouts_role_arn" {
  description = "Pod Identity role of the Argo Rollouts controller (target group verification)."
  value       = module.argo_rollouts_pod_identity.iam_role_arn
}

output "external_secrets_role_arn" {
  description = "Pod Identity role of the External Secrets Operator."
  value       = module.external_secrets_pod_identity.iam_role_arn
}

################################################################################
# Argo CD
################################################################################

output "argocd_namespace" {
  description = "Namespace of Argo CD."
  value       = helm_release.argocd.namespace
}

output "argocd_root_application" {
  description = "Name of the root Application that syncs the GitOps path."
  value       = local.gitops_root_app.metadata.name
}
