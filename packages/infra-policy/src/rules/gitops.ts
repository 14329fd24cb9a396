// Argo CD: installed by Helm from a pinned chart, bootstrapped with the root Application on
// deploy/argocd and a cluster secret carrying the cluster's metadata (GitOps Bridge).
import { blockList, blocksOf, findBlock, isObject, modulesFrom, type Block, type TerraformConfig } from '../config.ts';
import { expressionText, member, mentions, objectKeys, plainReference, resolve } from '../expr.ts';
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

/** The rendered files Terraform reads instead of repeating their values (one source). */
export const RENDERED_ROOT_APPLICATION = 'deploy/argocd/root.yaml';
export const RENDERED_SECRET_STORE = 'deploy/platform/clustersecretstore.yaml';

/** The local (if any) whose value is yamldecode(file("…/<rendered>")). */
function localReading(config: TerraformConfig, rendered: string): Block | undefined {
  return blocksOf(config, 'local').find((l) => {
    const text = expressionText(l.body['value']) ?? '';
    return /^yamldecode\(file\(/.test(text) && text.includes(`/${rendered}`);
  });
}

export const argocdRootApplication: PolicyRule = {
  id: 'argocd-root-application',
  invariant: `the root Application Terraform bootstraps is the rendered ${RENDERED_ROOT_APPLICATION} (one source for repository, revision, path and sync policy), after the cluster secret`,
  check(config) {
    const roots = releasesOf(config, 'argocd-apps');
    const fix = `add local.gitops_root_app = yamldecode(file("\${path.module}/../${RENDERED_ROOT_APPLICATION}")) and a helm_release of the argocd-apps chart with values applications = { (local.gitops_root_app.metadata.name) = merge(local.gitops_root_app.spec, { namespace = …, finalizers = … }) }.`;
    if (roots.length === 0)
      return [
        violation(
          this.id,
          { file: 'infra/', address: 'helm_release (argocd-apps)' },
          'no root Application is created.',
          fix,
        ),
      ];
    const source = localReading(config, RENDERED_ROOT_APPLICATION);
    const out: Violation[] = [];
    for (const root of roots) {
      const values = (Array.isArray(root.body['values']) ? root.body['values'] : [root.body['values']]).map(
        (v) => expressionText(v) ?? String(v),
      );
      const text = values.join('\n');
      const fromFile =
        source !== undefined && new RegExp(`\\b${source.address.replace('.', '\\.')}\\.spec\\b`).test(text);
      if (!fromFile)
        out.push(
          violation(
            this.id,
            root,
            `the root Application is not built from ${RENDERED_ROOT_APPLICATION}: its repository URL, revision or path can differ from the Git copy, which then repoints it on the first self-heal.`,
            fix,
          ),
        );
      const vars = [...text.matchAll(/var\.([\w-]+)/g)].map((m) => `var.${m[1]}`);
      if (vars.length > 0)
        out.push(
          violation(
            this.id,
            root,
            `the root Application's values also read ${[...new Set(vars)].join(', ')}, a second source for what deploy/ already says.`,
            fix,
          ),
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

export const regionMatchesDeploy: PolicyRule = {
  id: 'region-matches-deploy',
  invariant: `var.region is validated against the region ${RENDERED_SECRET_STORE} was rendered with`,
  check(config) {
    const region = findBlock(config, 'var.region');
    const fix = `add validation { condition = var.region == yamldecode(file("\${path.module}/../${RENDERED_SECRET_STORE}")).spec.provider.aws.region } to var.region, with an error message naming packages/manifests/src/environments/eks.ts.`;
    if (!region)
      return [violation(this.id, { file: 'variables.tf', address: 'var.region' }, 'var.region is missing.', fix)];
    const checked = blockList(region.body, 'validation').some((v) => {
      const text = expressionText(v['condition']) ?? '';
      return text.includes(RENDERED_SECRET_STORE) && /provider\.aws\.region/.test(text) && text.includes('var.region');
    });
    return checked
      ? []
      : [
          violation(
            this.id,
            region,
            `no validation compares var.region with ${RENDERED_SECRET_STORE}: a plan in another region leaves External Secrets (and the ECR host in images.json) in eu-west-1.`,
            fix,
          ),
        ];
  },
};

export const controllersAfterPodIdentity: PolicyRule = {
  id: 'controllers-after-pod-identity',
  invariant:
    'the Argo CD cluster secret, which lets Argo CD create the controllers, depends on every Pod Identity module with associations',
  check(config) {
    const secrets = blocksOf(config, 'resource', 'kubernetes_secret_v1').filter((s) =>
      metadataBlocks(s).some((m) => member(config, m['labels'], 'argocd.argoproj.io/secret-type') === 'cluster'),
    );
    const associated = modulesFrom(config, 'terraform-aws-modules/eks-pod-identity/aws').filter(
      (m) => isObject(m.body['associations']) && Object.keys(m.body['associations']).length > 0,
    );
    const out: Violation[] = [];
    for (const secret of secrets) {
      const dependsOn = (Array.isArray(secret.body['depends_on']) ? secret.body['depends_on'] : []).map(
        (d) => plainReference(d) ?? String(d),
      );
      const missing = associated.filter((m) => !dependsOn.includes(m.address)).map((m) => m.address);
      if (missing.length > 0)
        out.push(
          violation(
            this.id,
            secret,
            `depends_on lacks ${missing.join(', ')}: Argo CD may create a controller before its Pod Identity association, and the pod runs without AWS credentials (IMDS is closed at hop limit 1). Referencing a module's role ARN orders only the role.`,
            `add depends_on = [${missing.join(', ')}].`,
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
