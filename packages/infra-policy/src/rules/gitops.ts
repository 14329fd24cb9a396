// Argo CD: installed by Helm from a pinned chart, bootstrapped with the root Application on
// deploy/argocd and a cluster secret carrying the cluster's metadata (GitOps Bridge).
import { blockList, blocksOf, isObject, type Block, type TerraformConfig } from '../config.ts';
import { expressionText, member, mentions, objectKeys, resolve } from '../expr.ts';
import { violation, type PolicyRule, type Violation } from '../violation.ts';
import { describeValue } from './common.ts';

export const ARGO_HELM_REPOSITORY = 'https://argoproj.github.io/argo-helm';
export const GITOPS_ROOT_PATH = 'deploy/argocd';

/** Metadata Git-side definitions (ApplicationSets, Helm values) read from the cluster secret. */
export const CLUSTER_METADATA_ANNOTATIONS = [
  'aws_account_id',
  'aws_region',
  'aws_cluster_name',
  'aws_vpc_id',
  'aws_load_balancer_controller_iam_role_arn',
  'external_secrets_iam_role_arn',
  'payments_ecr_repository_url',
  'payments_db_address',
] as const;

function releasesOf(config: TerraformConfig, chart: string): Block[] {
  return blocksOf(config, 'resource', 'helm_release').filter(
    (r) => r.body['chart'] === chart && resolve(config, r.body['repository']).value === ARGO_HELM_REPOSITORY,
  );
}

export const argocdInstalled: PolicyRule = {
  id: 'argocd-installed',
  invariant: 'Argo CD is installed by helm_release from the argo-helm argo-cd chart',
  check(config) {
    return releasesOf(config, 'argo-cd').length === 1
      ? []
      : [
          violation(
            this.id,
            { file: 'infra/', address: 'helm_release (argo-cd)' },
            'Argo CD is not installed exactly once from the argo/argo-cd chart.',
            `add resource "helm_release" "argocd" { repository = "${ARGO_HELM_REPOSITORY}", chart = "argo-cd", version = "<exact>" }.`,
          ),
        ];
  },
};

export const argocdRootApplication: PolicyRule = {
  id: 'argocd-root-application',
  invariant: `a root Application syncs ${GITOPS_ROOT_PATH} automatically (prune, selfHeal)`,
  check(config) {
    const roots = releasesOf(config, 'argocd-apps');
    const fix = `add a helm_release of the argocd-apps chart whose Application has source.path = "${GITOPS_ROOT_PATH}" (var.gitops_root_path) and syncPolicy.automated = { prune = true, selfHeal = true }.`;
    if (roots.length === 0)
      return [
        violation(
          this.id,
          { file: 'infra/', address: 'helm_release (argocd-apps)' },
          'no root Application is created.',
          fix,
        ),
      ];
    const out: Violation[] = [];
    for (const root of roots) {
      const text = (Array.isArray(root.body['values']) ? root.body['values'] : [])
        .map((v) => expressionText(v) ?? String(v))
        .join('\n');
      const pathRef = /path\s*=\s*(var\.[\w-]+|"[^"]*")/.exec(text)?.[1];
      const path = pathRef?.startsWith('var.') ? resolve(config, `\${${pathRef}}`).value : pathRef?.slice(1, -1);
      if (path !== GITOPS_ROOT_PATH)
        out.push(violation(this.id, root, `the root Application's path is ${describeValue(path ?? null)}.`, fix));
      if (!/prune\s*=\s*true/.test(text) || !/selfHeal\s*=\s*true/.test(text))
        out.push(
          violation(this.id, root, 'the root Application does not sync automatically with prune and selfHeal.', fix),
        );
      if (!mentions(root.body['depends_on'], 'kubernetes_secret_v1.'))
        out.push(
          violation(
            this.id,
            root,
            'the root Application is not ordered after the cluster secret, so its first sync may miss the metadata.',
            'add depends_on = [kubernetes_secret_v1.argocd_cluster].',
          ),
        );
    }
    return out;
  },
};

export const argocdClusterSecret: PolicyRule = {
  id: 'argocd-cluster-secret',
  invariant: 'an Argo CD cluster secret carries the AWS metadata as labels and annotations (GitOps Bridge)',
  check(config) {
    const secrets = blocksOf(config, 'resource', 'kubernetes_secret_v1').filter((s) =>
      metadataBlocks(s).some((m) => member(config, m['labels'], 'argocd.argoproj.io/secret-type') === 'cluster'),
    );
    if (secrets.length === 0) {
      return [
        violation(
          this.id,
          { file: 'infra/', address: 'kubernetes_secret_v1 (Argo CD cluster)' },
          'no Kubernetes secret is labelled argocd.argoproj.io/secret-type = cluster.',
          'add a kubernetes_secret_v1 in the Argo CD namespace with that label, server = https://kubernetes.default.svc and the metadata annotations.',
        ),
      ];
    }
    const out: Violation[] = [];
    for (const secret of secrets) {
      const annotations = metadataBlocks(secret).flatMap((m) => objectKeys(config, m['annotations']));
      const missing = CLUSTER_METADATA_ANNOTATIONS.filter((a) => !annotations.includes(a));
      if (missing.length > 0)
        out.push(
          violation(
            this.id,
            secret,
            `annotations lack ${missing.join(', ')}.`,
            'add them to local.gitops_bridge_annotations in argocd.tf.',
          ),
        );
      const data = isObject(secret.body['data']) ? secret.body['data'] : {};
      if (data['server'] !== 'https://kubernetes.default.svc')
        out.push(
          violation(
            this.id,
            secret,
            `data.server is ${describeValue(data['server'])}.`,
            'set data.server = "https://kubernetes.default.svc" (the cluster Argo CD runs in).',
          ),
        );
    }
    return out;
  },
};

function metadataBlocks(secret: Block) {
  return blockList(secret.body, 'metadata');
}
