// IAM: the GitHub Actions OIDC role (trust limited to this repository's release refs, permissions
// limited to the payments ECR repository) and the Pod Identity roles of the controllers.
import {
  blockList,
  blocksOf,
  findBlock,
  isObject,
  modulesFrom,
  type Block,
  type HclObject,
  type HclValue,
  type TerraformConfig,
} from '../config.ts';
import { expressionText, isReferenceTo, mentions, plainReference, resolve, stringItems } from '../expr.ts';
import { violation, type PolicyRule, type Violation } from '../violation.ts';
import { booleanSetting, describeValue, MODULE_SOURCE } from './common.ts';

const GITHUB_AUD = 'token.actions.githubusercontent.com:aud';
const GITHUB_SUB = 'token.actions.githubusercontent.com:sub';

function statements(doc: Block): HclObject[] {
  return blockList(doc.body, 'statement');
}

function isGithubFederated(statement: HclObject): boolean {
  return blockList(statement, 'principals').some(
    (p) => p['type'] === 'Federated' && mentions(p['identifiers'], 'github'),
  );
}

/** Policy documents that trust the GitHub OIDC provider, with the roles that use them. */
function githubTrust(config: TerraformConfig): { doc: Block; roles: Block[] }[] {
  return blocksOf(config, 'data', 'aws_iam_policy_document')
    .filter((doc) => statements(doc).some(isGithubFederated))
    .map((doc) => ({
      doc,
      roles: blocksOf(config, 'resource', 'aws_iam_role').filter((r) =>
        isReferenceTo(r.body['assume_role_policy'], `${doc.address}.json`),
      ),
    }));
}

/** The `sub` values pin one repository (literal owner/name or a validated variable) and a ref or environment. */
function subjectProblem(config: TerraformConfig, values: HclValue | undefined): string | undefined {
  const items = Array.isArray(values) ? values.map(String) : [String(values ?? '')];
  for (const item of items) {
    const text = expressionText(item) ?? item;
    const repo = /repo:(\$\{var\.([\w-]+)\}|[A-Za-z0-9-]+\/[A-Za-z0-9._-]+):/.exec(text);
    if (!repo) return `sub values ${describeValue(values)} do not name one repository (repo:<owner>/<name>:…)`;
    // Every variable spliced into the subject (repository, refs) must be validated against wildcards.
    for (const match of text.matchAll(/var\.([\w-]+)/g)) {
      const variable = findBlock(config, `var.${match[1]}`);
      if (!variable || variable.body['validation'] === undefined)
        return `var.${match[1]} feeds the token subject but has no validation keeping wildcards out`;
    }
    if (!/:(ref|environment):/.test(text))
      return `sub values ${describeValue(values)} accept any ref of the repository (pull requests included)`;
  }
  return undefined;
}

export const ciOidcTrustRestricted: PolicyRule = {
  id: 'ci-oidc-trust-restricted',
  invariant:
    'the CI role trusts only GitHub OIDC tokens for sts.amazonaws.com from this repository and its release refs',
  check(config) {
    const trusts = githubTrust(config);
    const fix =
      'in the trust policy: principal Federated = the token.actions.githubusercontent.com provider, condition StringEquals token.actions.githubusercontent.com:aud = ["sts.amazonaws.com"], condition StringLike token.actions.githubusercontent.com:sub = ["repo:${var.github_repository}:ref:refs/tags/v*"].';
    if (trusts.length === 0)
      return [
        violation(
          this.id,
          { file: 'infra/', address: 'aws_iam_role (CI)' },
          'no role trusts the GitHub Actions OIDC provider, so CI would need long-lived keys.',
          fix,
        ),
      ];
    const out: Violation[] = [];
    for (const { doc, roles } of trusts) {
      if (roles.length === 0)
        out.push(
          violation(
            this.id,
            doc,
            'no aws_iam_role uses this trust policy.',
            `set assume_role_policy = ${doc.address}.json on the CI role.`,
          ),
        );
      for (const statement of statements(doc).filter(isGithubFederated)) {
        const actions = stringItems(statement['actions']);
        if (actions.length !== 1 || actions[0] !== 'sts:AssumeRoleWithWebIdentity') {
          out.push(
            violation(
              this.id,
              doc,
              `the GitHub statement allows ${describeValue(statement['actions'])}.`,
              'allow only sts:AssumeRoleWithWebIdentity.',
            ),
          );
        }
        const conditions = blockList(statement, 'condition');
        const aud = conditions.find((c) => c['variable'] === GITHUB_AUD);
        if (!aud || aud['test'] !== 'StringEquals' || JSON.stringify(aud['values']) !== '["sts.amazonaws.com"]') {
          out.push(violation(this.id, doc, `the audience condition is ${describeValue(aud)}.`, fix));
        }
        const sub = conditions.find((c) => c['variable'] === GITHUB_SUB);
        const problem = !sub
          ? 'no condition on the token subject: any GitHub repository could assume the role'
          : sub['test'] !== 'StringEquals' && sub['test'] !== 'StringLike'
            ? `the subject test is ${describeValue(sub['test'])}`
            : subjectProblem(config, sub['values']);
        if (problem) out.push(violation(this.id, doc, `${problem}.`, fix));
      }
    }
    for (const provider of blocksOf(config, 'resource', 'aws_iam_openid_connect_provider')) {
      const url = resolve(config, provider.body['url']).value;
      if (
        url === 'https://token.actions.githubusercontent.com' &&
        JSON.stringify(provider.body['client_id_list']) !== '["sts.amazonaws.com"]'
      ) {
        out.push(
          violation(
            this.id,
            provider,
            `client_id_list is ${describeValue(provider.body['client_id_list'])}.`,
            'set client_id_list = ["sts.amazonaws.com"].',
          ),
        );
      }
    }
    return out;
  },
};

export const ciPushScopedToRepository: PolicyRule = {
  id: 'ci-push-scoped-to-repository',
  invariant: 'the CI role can push to the payments ECR repository and nothing else',
  check(config) {
    const out: Violation[] = [];
    for (const { roles } of githubTrust(config)) {
      for (const role of roles) {
        const roleRefs = [`${role.address}.id`, `${role.address}.name`];
        for (const attachment of blocksOf(config, 'resource', 'aws_iam_role_policy_attachment').filter((a) =>
          roleRefs.some((r) => isReferenceTo(a.body['role'], r)),
        )) {
          out.push(
            violation(
              this.id,
              attachment,
              `attaches ${describeValue(attachment.body['policy_arn'])} to the CI role.`,
              'remove it; grant CI only the inline ECR push policy.',
            ),
          );
        }
        const inline = blocksOf(config, 'resource', 'aws_iam_role_policy').filter((p) =>
          roleRefs.some((r) => isReferenceTo(p.body['role'], r)),
        );
        if (inline.length === 0)
          out.push(
            violation(
              this.id,
              role,
              'the CI role has no policy, so it cannot push images.',
              'add an aws_iam_role_policy granting the ECR push actions on aws_ecr_repository.payments.arn.',
            ),
          );
        for (const policy of inline) {
          const ref = plainReference(policy.body['policy']);
          const doc = ref?.endsWith('.json') ? findBlock(config, ref.slice(0, -'.json'.length)) : undefined;
          if (!doc) {
            out.push(
              violation(
                this.id,
                policy,
                `policy is ${describeValue(policy.body['policy'])}, not an aws_iam_policy_document the policy can read.`,
                'build the policy with data "aws_iam_policy_document" and reference its .json.',
              ),
            );
            continue;
          }
          for (const statement of blockList(doc.body, 'statement')) {
            const actions = stringItems(statement['actions']);
            const resources = Array.isArray(statement['resources']) ? statement['resources'] : [];
            if (statement['effect'] === 'Deny') continue;
            if (actions.some((a) => a.includes('*'))) {
              out.push(
                violation(
                  this.id,
                  doc,
                  `a statement allows wildcard actions ${actions.filter((a) => a.includes('*')).join(', ')}.`,
                  'list the ECR push actions one by one.',
                ),
              );
            }
            if (resources.includes('*')) {
              const extra = actions.filter((a) => a !== 'ecr:GetAuthorizationToken');
              if (extra.length > 0)
                out.push(
                  violation(
                    this.id,
                    doc,
                    `${extra.join(', ')} on "*": CI could touch every repository.`,
                    'scope them to aws_ecr_repository.payments.arn; only ecr:GetAuthorizationToken needs "*".',
                  ),
                );
            } else if (!resources.every((r) => /^aws_ecr_repository\.[\w-]+\.arn$/.test(plainReference(r) ?? ''))) {
              out.push(
                violation(
                  this.id,
                  doc,
                  `resources ${describeValue(statement['resources'])} are not the payments ECR repository.`,
                  'set resources = [aws_ecr_repository.payments.arn].',
                ),
              );
            }
          }
        }
      }
    }
    return out;
  },
};

function associationsProblems(rule: string, module: Block): Violation[] {
  const associations = module.body['associations'];
  const fix =
    'set associations = { controller = { cluster_name = module.eks.cluster_name, namespace = …, service_account = … } }.';
  if (!isObject(associations) || Object.keys(associations).length === 0)
    return [violation(rule, module, 'has no Pod Identity association, so no pod can use the role.', fix)];
  return Object.entries(associations).flatMap(([name, a]) =>
    isObject(a) &&
    isReferenceTo(a['cluster_name'], 'module.eks.cluster_name') &&
    a['namespace'] !== undefined &&
    a['service_account'] !== undefined
      ? []
      : [violation(rule, module, `association ${name} is ${describeValue(a)}.`, fix)],
  );
}

/** What Argo Rollouts' --aws-verify-target-group calls (argo-rollouts docs/features/traffic-management/alb.md). */
export const TARGET_GROUP_VERIFY_ACTIONS = [
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeTags',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
] as const;

function rolloutsProblems(rule: string, modules: Block[]): Violation[] {
  const fix = `add an eks-pod-identity module with attach_custom_policy = true, policy_statements = [{ actions = [${TARGET_GROUP_VERIFY_ACTIONS.map((a) => `"${a}"`).join(', ')}], resources = ["*"] }] and an association to the argo-rollouts service account.`;
  const rollouts = modules.find((m) =>
    mentions(m.body['policy_statements'], 'elasticloadbalancing:DescribeTargetHealth'),
  );
  if (!rollouts)
    return [
      violation(
        rule,
        { file: 'infra/', address: MODULE_SOURCE.podIdentity },
        'no Pod Identity role lets Argo Rollouts verify target groups; with --aws-verify-target-group every promotion would fail.',
        fix,
      ),
    ];
  const out = associationsProblems(rule, rollouts);
  const statements = Array.isArray(rollouts.body['policy_statements'])
    ? rollouts.body['policy_statements'].filter(isObject)
    : [];
  const actions = statements.flatMap((st) => stringItems(st['actions']));
  const writes = actions.filter((a) => !/^elasticloadbalancing:Describe[A-Za-z]+$/.test(a));
  if (writes.length > 0)
    out.push(
      violation(
        rule,
        rollouts,
        `the Argo Rollouts role can also ${writes.join(', ')}.`,
        'keep it to the read-only elasticloadbalancing:Describe* calls target group verification needs.',
      ),
    );
  return out;
}

/** What an ExternalSecret with remoteRef.key (no metadataPolicy, no find) calls: one GetSecretValue per secret. */
export const EXTERNAL_SECRETS_ACTIONS = ['secretsmanager:GetSecretValue', 'kms:Decrypt'] as const;

function policyStatements(module: Block): HclObject[] {
  const value = module.body['policy_statements'];
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/**
 * The External Secrets role reads exactly the named secrets: a custom policy (the module's
 * attach_external_secrets_policy adds secretsmanager:ListSecrets and BatchGetSecretValue on "*")
 * with GetSecretValue on aws_secretsmanager_secret ARNs and kms:Decrypt on aws_kms_key ARNs.
 */
function externalSecretsPolicyProblems(config: TerraformConfig, rule: string, eso: Block): Violation[] {
  const fix =
    'set attach_custom_policy = true with policy_statements = [{ actions = ["secretsmanager:GetSecretValue"], resources = [aws_secretsmanager_secret.payments_database_url.arn, aws_secretsmanager_secret.payments_api_keys.arn] }, { actions = ["kms:Decrypt"], resources = [aws_kms_key.app_secrets.arn] }] and drop attach_external_secrets_policy.';
  const out: Violation[] = [];
  if (booleanSetting(config, eso.body['attach_external_secrets_policy'], true))
    out.push(
      violation(
        rule,
        eso,
        'attach_external_secrets_policy = true grants secretsmanager:ListSecrets and BatchGetSecretValue on "*" (every secret of the account), more than deploy/ reads.',
        fix,
      ),
    );
  if (!booleanSetting(config, eso.body['attach_custom_policy'], true))
    out.push(violation(rule, eso, 'attach_custom_policy is not true, so policy_statements are not attached.', fix));
  const statements = policyStatements(eso);
  let reads = 0;
  for (const statement of statements) {
    if (statement['effect'] === 'Deny') continue;
    const actions = stringItems(statement['actions']);
    const resources = Array.isArray(statement['resources']) ? statement['resources'] : [statement['resources']];
    const refs = resources.map((r) => plainReference(r) ?? String(r));
    const extra = actions.filter((a) => !(EXTERNAL_SECRETS_ACTIONS as readonly string[]).includes(a));
    if (extra.length > 0)
      out.push(
        violation(
          rule,
          eso,
          `the policy also allows ${extra.join(', ')}; reading named secrets needs only ${EXTERNAL_SECRETS_ACTIONS.join(' and ')}.`,
          fix,
        ),
      );
    if (actions.includes('secretsmanager:GetSecretValue')) {
      reads++;
      const loose = refs.filter((r) => !/^aws_secretsmanager_secret\.[\w-]+\.arn$/.test(r));
      if (loose.length > 0)
        out.push(
          violation(
            rule,
            eso,
            `GetSecretValue on ${loose.join(', ')}: not one named secret each (a wildcard or prefix reaches secrets deploy/ never reads).`,
            fix,
          ),
        );
      for (const ref of refs.filter((r) => r.startsWith('aws_secretsmanager_secret.'))) {
        if (!findBlock(config, ref.slice(0, -'.arn'.length)))
          out.push(violation(rule, eso, `${ref} is not a secret this configuration creates.`, fix));
      }
    }
    if (actions.includes('kms:Decrypt')) {
      const loose = refs.filter((r) => !/^aws_kms_key\.[\w-]+\.arn$/.test(r));
      if (loose.length > 0)
        out.push(
          violation(
            rule,
            eso,
            `kms:Decrypt on ${loose.join(', ')}: not the application secrets' key.`,
            'set resources = [aws_kms_key.app_secrets.arn].',
          ),
        );
    }
  }
  if (reads === 0)
    out.push(violation(rule, eso, 'no statement allows secretsmanager:GetSecretValue on the app secrets.', fix));
  return out;
}

export const podIdentityRoles: PolicyRule = {
  id: 'pod-identity-roles',
  invariant:
    'the load balancer controller, Argo Rollouts and External Secrets have Pod Identity roles; External Secrets may read exactly the named app secrets',
  check(config) {
    const modules = modulesFrom(config, MODULE_SOURCE.podIdentity);
    const lbc = modules.find((m) => booleanSetting(config, m.body['attach_aws_lb_controller_policy'], true));
    const eso = modules.find(
      (m) =>
        booleanSetting(config, m.body['attach_external_secrets_policy'], true) ||
        mentions(m.body['policy_statements'], 'secretsmanager:'),
    );
    const out: Violation[] = [];
    const missing = { file: 'infra/', address: MODULE_SOURCE.podIdentity };
    if (!lbc)
      out.push(
        violation(
          this.id,
          missing,
          'no Pod Identity role for the AWS Load Balancer Controller.',
          'add an eks-pod-identity module with attach_aws_lb_controller_policy = true and an association to its service account.',
        ),
      );
    else out.push(...associationsProblems(this.id, lbc));
    out.push(...rolloutsProblems(this.id, modules));
    if (!eso) {
      out.push(
        violation(
          this.id,
          missing,
          'no Pod Identity role for External Secrets.',
          'add an eks-pod-identity module with attach_external_secrets_policy = true, scoped to the app secret prefix.',
        ),
      );
      return out;
    }
    out.push(...associationsProblems(this.id, eso));
    out.push(...externalSecretsPolicyProblems(config, this.id, eso));
    return out;
  },
};

/** Condition keys that tie the EKS Auth service's AssumeRole to this account and cluster (confused deputy). */
export const POD_IDENTITY_TRUST_KEYS = ['aws:SourceAccount', 'aws:SourceArn'] as const;

export const podIdentityTrustScoped: PolicyRule = {
  id: 'pod-identity-trust-scoped',
  invariant:
    'every Pod Identity role trusts pods.eks.amazonaws.com only for this account and cluster (aws:SourceAccount, aws:SourceArn)',
  check(config) {
    const out: Violation[] = [];
    for (const module of modulesFrom(config, MODULE_SOURCE.podIdentity)) {
      const conditions = resolve(config, module.body['trust_policy_conditions']).value;
      const list = Array.isArray(conditions) ? conditions.filter(isObject) : [];
      const missing = POD_IDENTITY_TRUST_KEYS.filter(
        (key) => !list.some((c) => c['variable'] === key && stringItems(c['values']).length > 0),
      );
      if (missing.length > 0)
        out.push(
          violation(
            this.id,
            module,
            `the trust policy has no ${missing.join(' or ')} condition: any cluster that learns the role ARN could have the EKS Auth service assume it (${describeValue(module.body['trust_policy_conditions'])}).`,
            'set trust_policy_conditions = local.pod_identity_trust_conditions: StringEquals aws:SourceAccount = [local.account_id] and ArnEquals aws:SourceArn = [the cluster ARN].',
          ),
        );
    }
    return out;
  },
};
