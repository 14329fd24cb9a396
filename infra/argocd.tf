# Argo CD, installed once by Terraform, then managing everything else from Git (deploy/argocd).
# GitOps Bridge pattern (github.com/gitops-bridge-dev): Terraform knows the AWS facts (role ARNs,
# VPC, endpoints), so it writes them as labels and annotations on Argo CD's cluster secret, where
# ApplicationSets and Helm values in Git can read them instead of hard-coding account details.

locals {
  argocd_helm_repository = "https://argoproj.github.io/argo-helm"

  # Labels select (ApplicationSet cluster generators); values must be valid label values.
  gitops_bridge_labels = {
    "argocd.argoproj.io/secret-type"    = "cluster"
    environment                         = var.environment
    cluster_name                        = local.name
    kubernetes_version                  = var.kubernetes_version
    enable_aws_load_balancer_controller = "true"
    enable_external_secrets             = "true"
    enable_argo_rollouts                = "true"
    enable_kube_prometheus_stack        = "true"
  }

  # Annotations carry the metadata (free-form values).
  gitops_bridge_annotations = {
    aws_account_id                               = local.account_id
    aws_region                                   = var.region
    aws_cluster_name                             = module.eks.cluster_name
    aws_vpc_id                                   = module.vpc.vpc_id
    aws_vpc_cidr                                 = var.vpc_cidr
    aws_load_balancer_controller_iam_role_arn    = module.aws_load_balancer_controller_pod_identity.iam_role_arn
    aws_load_balancer_controller_namespace       = var.aws_load_balancer_controller_namespace
    aws_load_balancer_controller_service_account = var.aws_load_balancer_controller_service_account
    argo_rollouts_iam_role_arn                   = module.argo_rollouts_pod_identity.iam_role_arn
    argo_rollouts_namespace                      = var.argo_rollouts_namespace
    argo_rollouts_service_account                = var.argo_rollouts_service_account
    external_secrets_iam_role_arn                = module.external_secrets_pod_identity.iam_role_arn
    external_secrets_namespace                   = var.external_secrets_namespace
    external_secrets_service_account             = var.external_secrets_service_account
    payments_ecr_repository_url                  = aws_ecr_repository.payments.repository_url
    payments_db_address                          = module.payments_db.db_instance_address
    payments_db_port                             = tostring(module.payments_db.db_instance_port)
    payments_db_name                             = "payments"
    payments_secrets_prefix                      = var.app_secrets_prefix
    payments_database_url_secret                 = aws_secretsmanager_secret.payments_database_url.name
    payments_api_keys_secret                     = aws_secretsmanager_secret.payments_api_keys.name
    payments_container_port                      = tostring(var.payments_container_port)
    workload_repo_url                            = var.gitops_repo_url
    workload_repo_revision                       = var.gitops_repo_revision
    workload_repo_path                           = var.gitops_root_path
  }
}

resource "helm_release" "argocd" {
  name             = "argo-cd"
  repository       = local.argocd_helm_repository
  chart            = "argo-cd"
  version          = var.argocd_chart_version
  namespace        = var.argocd_namespace
  create_namespace = true
  wait             = true
  timeout          = 900

  values = [yamlencode({
    # Upstream object names (argocd-server, argocd-repo-server, …) so upstream docs apply as is.
    fullnameOverride = "argocd"
    # No SSO is configured: the UI is reached with `kubectl port-forward` and the initial admin
    # secret (README.md, "Argo CD UI").
    dex = { enabled = false }
    server = {
      service = { type = "ClusterIP" }
    }
  })]

  # Nodes and add-ons must exist before the chart's pods can become Ready.
  depends_on = [module.eks]
}

resource "kubernetes_secret_v1" "argocd_cluster" {
  metadata {
    name        = "${local.name}-cluster"
    namespace   = helm_release.argocd.namespace
    labels      = local.gitops_bridge_labels
    annotations = local.gitops_bridge_annotations
  }

  # The cluster Argo CD runs in, addressed in-cluster; Applications in deploy/argocd use
  # destination.server https://kubernetes.default.svc.
  data = {
    name   = local.name
    server = "https://kubernetes.default.svc"
    config = jsonencode({ tlsClientConfig = { insecure = false } })
  }
}

# The root Application (app of apps) that syncs deploy/argocd; from then on Git is the only way in.
resource "helm_release" "argocd_root_app" {
  name       = "argocd-root-app"
  repository = local.argocd_helm_repository
  chart      = "argocd-apps"
  version    = var.argocd_apps_chart_version
  namespace  = var.argocd_namespace

  values = [yamlencode({
    applications = {
      (var.argocd_root_app_name) = {
        namespace = var.argocd_namespace
        project   = "default"
        # Deleting the root Application cascades to the child Applications and their objects, so
        # the AWS Load Balancer Controller removes the ALB before the VPC is destroyed.
        finalizers = ["resources-finalizer.argocd.argoproj.io"]
        source = {
          repoURL        = var.gitops_repo_url
          targetRevision = var.gitops_repo_revision
          path           = var.gitops_root_path
          directory      = { recurse = true }
        }
        destination = {
          server    = "https://kubernetes.default.svc"
          namespace = var.argocd_namespace
        }
        syncPolicy = {
          automated   = { prune = true, selfHeal = true }
          syncOptions = ["CreateNamespace=true"]
        }
      }
    }
  })]

  depends_on = [kubernetes_secret_v1.argocd_cluster]
}
