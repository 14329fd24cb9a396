# Argo CD, installed once by Terraform, then managing everything else from Git (deploy/argocd).
# GitOps Bridge pattern (github.com/gitops-bridge-dev): Terraform knows the AWS facts (role ARNs,
# VPC, endpoints), so it writes them as labels and annotations on Argo CD's cluster secret, where
# ApplicationSets and Helm values in Git can read them instead of hard-coding account details.

locals {
  argocd_helm_repository = "https://argoproj.github.io/argo-helm"

  # One source for what Argo CD syncs: the root Application rendered into deploy/ by
  # packages/manifests (from environments/eks.ts). Terraform creates exactly that object, so the
  # Git copy that adopts it afterwards (self-heal) has nothing to repoint. Change the repository,
  # branch or path in eks.ts, `npm run render`, commit, then apply.
  gitops_root_app = yamldecode(file("${path.module}/../deploy/argocd/root.yaml"))
  gitops_repo_url = local.gitops_root_app.spec.source.repoURL
  gitops_revision = local.gitops_root_app.spec.source.targetRevision
  gitops_path     = local.gitops_root_app.spec.source.path

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
    enable_metrics_server               = "true"
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
    workload_repo_url                            = local.gitops_repo_url
    workload_repo_revision                       = local.gitops_revision
    workload_repo_path                           = local.gitops_path
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

  # This secret is what the platform ApplicationSets select: once it exists Argo CD creates the
  # controllers. Their Pod Identity associations must exist first, or a controller pod starts
  # without credentials (IMDS is closed at hop limit 1) and keeps failing until restarted. A
  # reference to a module output orders only that output (the role), not the association.
  depends_on = [
    module.aws_load_balancer_controller_pod_identity,
    module.argo_rollouts_pod_identity,
    module.external_secrets_pod_identity,
  ]
}

# The root Application (app of apps) that syncs deploy/argocd; from then on Git is the only way in.
resource "helm_release" "argocd_root_app" {
  name       = "argocd-root-app"
  repository = local.argocd_helm_repository
  chart      = "argocd-apps"
  version    = var.argocd_apps_chart_version
  namespace  = var.argocd_namespace

  # The rendered root Application as argocd-apps values: name → metadata (namespace, finalizers)
  # plus the spec exactly as in Git.
  values = [yamlencode({
    applications = {
      (local.gitops_root_app.metadata.name) = merge(local.gitops_root_app.spec, {
        namespace        = local.gitops_root_app.metadata.namespace
        additionalLabels = local.gitops_root_app.metadata.labels
        finalizers       = local.gitops_root_app.metadata.finalizers
      })
    }
  })]

  lifecycle {
    precondition {
      condition     = local.gitops_root_app.metadata.namespace == var.argocd_namespace
      error_message = "deploy/argocd/root.yaml lives in namespace ${local.gitops_root_app.metadata.namespace}, Argo CD in var.argocd_namespace = ${var.argocd_namespace}: set argocd.namespace in packages/manifests/src/environments/eks.ts, run npm run render, or change the variable."
    }
  }

  depends_on = [kubernetes_secret_v1.argocd_cluster]
}
