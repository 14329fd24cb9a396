// Production on AWS EKS: the tree under deploy/ that Argo CD syncs (and the local engine reads).
// Differs from base by what only AWS has: ECR images, the ALB Ingress, AWS Secrets Manager
// through External Secrets, and the Argo CD objects.
import { base } from './base.ts';
import { defineEnvironment } from './define.ts';

export const eks = defineEnvironment(base, {
  name: 'eks',
  // The ECR repository created by Terraform (output ecr_repository_url), any tag or digest.
  images: {
    repository: /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/quickship\/payments$/,
    describe: '<account>.dkr.ecr.<region>.amazonaws.com/quickship/payments',
  },
  // The one source of the region: rendered into deploy/platform/clustersecretstore.yaml, which
  // Terraform's var.region is validated against; the ECR host in images.json is checked against it.
  aws: { region: 'eu-west-1' },
  // Terraform's subnets of var.vpc_cidr 10.0.0.0/16 (infra/main.tf): the internet-facing ALB's
  // nodes sit in the public subnets (cidrsubnet(vpc, 8, 48+k)), RDS in the database subnets
  // (cidrsubnet(vpc, 8, 56+k)). Narrower than the VPC CIDR, which with the VPC CNI also holds
  // every pod of the cluster. test/terraform-contract.ts checks these against infra/main.tf.
  network: {
    loadBalancerCidrs: ['10.0.48.0/24', '10.0.49.0/24', '10.0.50.0/24'],
    databaseCidrs: ['10.0.56.0/24', '10.0.57.0/24', '10.0.58.0/24'],
  },
  ingress: { host: 'payments.example.com', scheme: 'internet-facing', deregistrationDelaySeconds: 30 },
  // Secret names as Terraform creates them (infra/secrets.tf, prefix var.app_secrets_prefix).
  externalSecrets: {
    store: 'aws-secrets-manager',
    remoteKeys: { DATABASE_URL: 'quickship/payments/database-url', PAYMENTS_API_KEYS: 'quickship/payments/api-keys' },
    refreshInterval: '1h',
  },
  argocd: {
    namespace: 'argocd',
    // This repository, and the one source of the Git URL: Terraform bootstraps the root Application
    // from the rendered deploy/argocd/root.yaml (infra/argocd.tf), so set it here before applying.
    repoURL: 'https://github.com/example/quickship.git',
    targetRevision: 'main',
    clusterServer: 'https://kubernetes.default.svc',
  },
});
