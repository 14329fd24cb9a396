// EKS control plane: supported version, endpoint exposure, secrets encryption, logs, access, add-ons.
import {
  blockList,
  findBlock,
  isObject,
  type Block,
  type HclObject,
  type HclValue,
  type TerraformConfig,
} from '../config.ts';
import { calendarEntry, eksSupportStatus, versionsInStandardSupport } from '../eks-calendar.ts';
import { expressionText, mentions, plainReference, quotedStrings, resolve, stringItems } from '../expr.ts';
import { violation, type PolicyRule, type Violation } from '../violation.ts';
import { booleanSetting, describeValue, isViolation, MODULE_SOURCE, singleModule } from './common.ts';

function validationConditions(variable: Block | undefined): string[] {
  if (!variable) return [];
  return blockList(variable.body, 'validation').map((v) => expressionText(v['condition']) ?? '');
}

export const eksVersionSupported: PolicyRule = {
  id: 'eks-version-supported',
  invariant: 'the EKS Kubernetes version, and every version the variable accepts, is in EKS standard support',
  check(config, options) {
    const eks = singleModule(config, this.id, MODULE_SOURCE.eks);
    if (isViolation(eks)) return [eks];
    const asOf = options?.asOf ?? new Date();
    const day = asOf.toISOString().slice(0, 10);
    const standard = versionsInStandardSupport(asOf).join(', ');
    const out: Violation[] = [];
    const explain = (version: string) => {
      const entry = calendarEntry(version);
      const status = eksSupportStatus(version, asOf);
      return entry
        ? `${version} is in ${status} support on ${day} (standard support ends ${entry.endOfStandardSupport})`
        : `${version} is not in the EKS release calendar (packages/infra-policy/src/eks-calendar.ts)`;
    };
    const ref = plainReference(eks.body['kubernetes_version']);
    const resolved = resolve(config, eks.body['kubernetes_version']).value;
    if (typeof resolved !== 'string') {
      return [
        violation(
          this.id,
          eks,
          `kubernetes_version is ${describeValue(eks.body['kubernetes_version'])}, not a version Terraform can read statically.`,
          `set kubernetes_version = var.kubernetes_version with a default in standard support (${standard}).`,
        ),
      ];
    }
    if (eksSupportStatus(resolved, asOf) !== 'standard') {
      out.push(
        violation(
          this.id,
          eks,
          `kubernetes_version: ${explain(resolved)}.`,
          `use a version in standard support: ${standard}.`,
        ),
      );
    }
    const variable = ref?.startsWith('var.') ? findBlock(config, ref) : undefined;
    if (variable) {
      const allowed = validationConditions(variable)
        .filter((c) => c.includes('contains('))
        .flatMap(quotedStrings)
        .filter((s) => /^\d+\.\d+$/.test(s));
      if (allowed.length === 0) {
        out.push(
          violation(
            this.id,
            variable,
            'no validation restricts the accepted Kubernetes versions.',
            `add validation { condition = contains([${versionsInStandardSupport(asOf)
              .map((v) => `"${v}"`)
              .join(', ')}], ${ref}) }.`,
          ),
        );
      }
      for (const version of allowed) {
        if (eksSupportStatus(version, asOf) !== 'standard') {
          out.push(
            violation(
              this.id,
              variable,
              `the validation accepts ${explain(version)}.`,
              `remove ${version} from the validation list; accept only ${standard}.`,
            ),
          );
        }
      }
    }
    return out;
  },
};

export const eksEndpointRestricted: PolicyRule = {
  id: 'eks-endpoint-restricted',
  invariant: 'the private API endpoint is on and the public one is off or limited to listed CIDRs (never 0.0.0.0/0)',
  check(config) {
    const eks = singleModule(config, this.id, MODULE_SOURCE.eks);
    if (isViolation(eks)) return [eks];
    const out: Violation[] = [];
    const b = eks.body;
    if (b['endpoint_private_access'] !== true) {
      out.push(
        violation(
          this.id,
          eks,
          `endpoint_private_access is ${describeValue(b['endpoint_private_access'])}.`,
          'set endpoint_private_access = true so nodes and in-VPC operators use the private endpoint.',
        ),
      );
    }
    if (b['endpoint_public_access'] === false) return out;
    // The public endpoint may be on: then it must be limited to CIDRs from a validated variable.
    const cidrs = b['endpoint_public_access_cidrs'];
    const ref = plainReference(cidrs);
    const variable = ref?.startsWith('var.') ? findBlock(config, ref) : undefined;
    const fix =
      'set endpoint_public_access_cidrs = var.cluster_endpoint_public_access_cidrs (default []) with a validation refusing "/0", or set endpoint_public_access = false.';
    if (cidrs === undefined) {
      out.push(
        violation(
          this.id,
          eks,
          'the public endpoint can be enabled but endpoint_public_access_cidrs is unset, and the module defaults it to 0.0.0.0/0.',
          fix,
        ),
      );
      return out;
    }
    const defaults = stringItems(resolve(config, cidrs).value);
    if (defaults.some((c) => c.endsWith('/0'))) {
      out.push(
        violation(
          this.id,
          eks,
          `endpoint_public_access_cidrs allows ${defaults.filter((c) => c.endsWith('/0')).join(', ')}.`,
          fix,
        ),
      );
    }
    if (!variable) {
      if (!Array.isArray(cidrs))
        out.push(
          violation(
            this.id,
            eks,
            `endpoint_public_access_cidrs is ${describeValue(cidrs)}, which the policy cannot check.`,
            fix,
          ),
        );
    } else if (!validationConditions(variable).some((c) => c.includes('/0'))) {
      out.push(
        violation(
          this.id,
          variable,
          'no validation refuses 0.0.0.0/0.',
          'add validation { condition = alltrue([for cidr in var.cluster_endpoint_public_access_cidrs : !endswith(cidr, "/0")]) }.',
        ),
      );
    }
    return out;
  },
};

export const eksSecretsEncryption: PolicyRule = {
  id: 'eks-secrets-encryption',
  invariant: 'Kubernetes Secrets are envelope-encrypted with KMS',
  check(config) {
    const eks = singleModule(config, this.id, MODULE_SOURCE.eks);
    if (isViolation(eks)) return [eks];
    const out: Violation[] = [];
    const encryption = resolve(config, eks.body['encryption_config']).value;
    const resources = isObject(encryption) ? stringItems(encryption['resources']) : [];
    if (!resources.includes('secrets')) {
      out.push(
        violation(
          this.id,
          eks,
          `encryption_config is ${describeValue(encryption)}.`,
          'set encryption_config = { resources = ["secrets"] }.',
        ),
      );
    }
    const hasKey = booleanSetting(config, eks.body['create_kms_key'], true) || mentions(encryption, 'provider_key_arn');
    if (!hasKey) {
      out.push(
        violation(
          this.id,
          eks,
          'no KMS key: create_kms_key is not true and encryption_config has no provider_key_arn.',
          'set create_kms_key = true (and enable_kms_key_rotation = true).',
        ),
      );
    }
    return out;
  },
};

export const CONTROL_PLANE_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] as const;

export const eksControlPlaneLogs: PolicyRule = {
  id: 'eks-control-plane-logs',
  invariant: 'all five control-plane log types are sent to CloudWatch',
  check(config) {
    const eks = singleModule(config, this.id, MODULE_SOURCE.eks);
    if (isViolation(eks)) return [eks];
    const enabled = stringItems(resolve(config, eks.body['enabled_log_types']).value);
    const missing = CONTROL_PLANE_LOG_TYPES.filter((t) => !enabled.includes(t));
    return missing.length === 0
      ? []
      : [
          violation(
            this.id,
            eks,
            `enabled_log_types lacks ${missing.join(', ')}.`,
            `set enabled_log_types = [${CONTROL_PLANE_LOG_TYPES.map((t) => `"${t}"`).join(', ')}].`,
          ),
        ];
  },
};

/**
 * An access-entries map built from a list with `for i, x in list : <key> => …` keyed by the index
 * `i`: removing one element renumbers, and so replaces, every entry after it.
 */
export function indexKeyedFor(text: string): string | undefined {
  const loop = /\{\s*for\s+(\w+)\s*,\s*\w+\s+in\s+[^:]+:\s*(.+?)\s*=>/s.exec(text);
  if (!loop) return undefined;
  const [, index = '', key = ''] = loop;
  return new RegExp(`\\b${index}\\b`).test(key) ? key : undefined;
}

export const eksAccessEntries: PolicyRule = {
  id: 'eks-access-entries',
  invariant: 'cluster access goes through EKS access entries (API mode) with an admin role',
  check(config) {
    const eks = singleModule(config, this.id, MODULE_SOURCE.eks);
    if (isViolation(eks)) return [eks];
    const out: Violation[] = [];
    if (eks.body['authentication_mode'] !== 'API') {
      out.push(
        violation(
          this.id,
          eks,
          `authentication_mode is ${describeValue(eks.body['authentication_mode'])}; the aws-auth ConfigMap is deprecated.`,
          'set authentication_mode = "API".',
        ),
      );
    }
    const entries = resolve(config, eks.body['access_entries']).value;
    if (!mentions(entries, 'AmazonEKSClusterAdminPolicy')) {
      out.push(
        violation(
          this.id,
          eks,
          'access_entries grants no role AmazonEKSClusterAdminPolicy.',
          'map var.cluster_admin_role_arns to access entries with policy_associations on arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy.',
        ),
      );
    }
    const byIndex = indexKeyedFor(expressionText(entries) ?? '');
    if (byIndex !== undefined) {
      out.push(
        violation(
          this.id,
          eks,
          `access_entries are keyed by list position (${byIndex}): removing one ARN renumbers and replaces every entry after it, cutting those admins off mid-apply.`,
          'key them by the ARN: { for arn in var.cluster_admin_role_arns : arn => { principal_arn = arn, … } }.',
        ),
      );
    }
    return out;
  },
};

export const REQUIRED_ADDONS = ['vpc-cni', 'coredns', 'kube-proxy', 'eks-pod-identity-agent'] as const;

/** Exact EKS add-on version, e.g. v1.21.1-eksbuild.3 (the format `aws eks describe-addon-versions` lists). */
export const EKS_ADDON_VERSION = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;

/** The add-on objects by name, looking through locals and `merge(local.a, cond ? local.b : {})`. */
function addonBodies(config: TerraformConfig, value: HclValue | undefined): [string, HclValue][] {
  const resolved = resolve(config, value).value;
  if (isObject(resolved)) return Object.entries(resolved);
  const out: [string, HclValue][] = [];
  for (const match of (expressionText(resolved) ?? '').matchAll(/local\.([A-Za-z_][\w-]*)/g)) {
    const inner = resolve(config, `\${local.${match[1]}}`).value;
    if (isObject(inner)) out.push(...Object.entries(inner));
  }
  return out;
}

/** Why an add-on's version is not pinned, or undefined when it is. */
function addonVersionProblem(config: TerraformConfig, name: string, addon: HclValue): string | undefined {
  if (!isObject(addon)) return `${name} is ${describeValue(addon)}`;
  if (addon['most_recent'] === true) return `${name} sets most_recent = true`;
  const version = addon['addon_version'];
  if (version === undefined)
    return `${name} has no addon_version, so the module resolves the newest version on every plan (most_recent defaults to true)`;
  if (typeof version === 'string' && EKS_ADDON_VERSION.test(version)) return undefined;
  // var.eks_addon_versions["<name>"]: the variable must validate the exact format and name this add-on.
  const fromMap = /^var\.([\w-]+)\["([\w-]+)"\]$/.exec(expressionText(version) ?? '');
  if (fromMap) {
    const variable = findBlock(config, `var.${fromMap[1]}`);
    const conditions = validationConditions(variable).join('\n');
    if (!variable) return `${name}: var.${fromMap[1]} does not exist`;
    if (fromMap[2] !== name) return `${name} reads the version of ${fromMap[2]}`;
    if (!conditions.includes('eksbuild'))
      return `${name}: var.${fromMap[1]} has no validation requiring exact versions (…-eksbuild.N)`;
    if (!quotedStrings(conditions).includes(name)) return `${name}: var.${fromMap[1]}'s validation does not require it`;
    if (variable.body['default'] !== undefined)
      return `${name}: var.${fromMap[1]} has a default, a version nobody looked up for the chosen Kubernetes version`;
    return undefined;
  }
  return `${name} has addon_version ${describeValue(version)}, not an exact version`;
}

export const eksAddons: PolicyRule = {
  id: 'eks-addons',
  invariant:
    'the managed add-ons include vpc-cni, coredns, kube-proxy and the Pod Identity agent, each at a pinned version',
  check(config) {
    const eks = singleModule(config, this.id, MODULE_SOURCE.eks);
    if (isViolation(eks)) return [eks];
    const addons = addonBodies(config, eks.body['addons']);
    const keys = addons.map(([name]) => name);
    const missing = REQUIRED_ADDONS.filter((a) => !keys.includes(a));
    const out: Violation[] = [];
    if (missing.length > 0)
      out.push(
        violation(
          this.id,
          eks,
          `addons lacks ${missing.join(', ')} (found: ${keys.join(', ') || 'none'}).`,
          `add ${missing.map((a) => `${a} = {}`).join(', ')} to the add-ons map (vpc-cni and eks-pod-identity-agent with before_compute = true).`,
        ),
      );
    for (const [name, addon] of addons) {
      const problem = addonVersionProblem(config, name, addon);
      if (problem)
        out.push(
          violation(
            this.id,
            eks,
            `add-on version floats: ${problem}.`,
            `set addon_version = var.eks_addon_versions["${name}"] (a map without default, validated against ^v<x.y.z>-eksbuild.<n>$ and naming every add-on) and most_recent = false; look versions up with aws eks describe-addon-versions.`,
          ),
        );
    }
    return out;
  },
};

/** A port range of a security group rule covers `port`. */
function coversPort(rule: HclObject, port: number): boolean {
  const from = rule['from_port'];
  const to = rule['to_port'];
  return (
    rule['protocol'] === '-1' || (typeof from === 'number' && typeof to === 'number' && from <= port && port <= to)
  );
}

/**
 * The operators' way to the private endpoint: rules on the cluster security group opening 443 from
 * validated variables (CIDRs or security groups). The rules usually are a for expression over the
 * variables, so the check reads the expression's text.
 */
export const eksOperatorAccess: PolicyRule = {
  id: 'eks-operator-access',
  invariant:
    'operators can reach the private API endpoint: the cluster security group admits 443 from validated operator CIDR / security-group variables',
  check(config) {
    const eks = singleModule(config, this.id, MODULE_SOURCE.eks);
    if (isViolation(eks)) return [eks];
    const fix =
      'set security_group_additional_rules = { for cidr in var.cluster_operator_cidrs : "ingress_operator_${cidr}" => { type = "ingress", protocol = "tcp", from_port = 443, to_port = 443, cidr_blocks = [cidr] } } (and the same for var.cluster_operator_security_group_ids with source_security_group_id), each variable validated, and document it in infra/README.md.';
    const resolved = resolve(config, eks.body['security_group_additional_rules']).value;
    const literalRules = isObject(resolved) ? Object.values(resolved).filter(isObject) : [];
    const text = expressionText(resolved) ?? '';
    const opens443 =
      literalRules.some((r) => (r['type'] ?? 'ingress') === 'ingress' && coversPort(r, 443)) ||
      (/from_port\s*=\s*443\b/.test(text) && /to_port\s*=\s*443\b/.test(text) && !/type\s*=\s*"egress"/.test(text));
    if (!opens443)
      return [
        violation(
          this.id,
          eks,
          `security_group_additional_rules is ${describeValue(eks.body['security_group_additional_rules'])}: the cluster security group admits 443 only from the nodes, so Terraform, Helm and kubectl time out on the private endpoint from a VPN or bastion.`,
          fix,
        ),
      ];
    const sources = [
      ...new Set([...(text + JSON.stringify(literalRules)).matchAll(/var\.([\w-]+)/g)].map((m) => m[1] ?? '')),
    ];
    if (sources.length === 0)
      return [
        violation(
          this.id,
          eks,
          'the 443 rule names its sources literally; operators cannot add their VPN or bastion without editing the module call.',
          fix,
        ),
      ];
    const out: Violation[] = [];
    for (const name of sources) {
      const variable = findBlock(config, `var.${name}`);
      const conditions = validationConditions(variable).join('\n');
      if (!variable) out.push(violation(this.id, eks, `var.${name} does not exist.`, fix));
      else if (/cidr/.test(name) && !conditions.includes('/0'))
        out.push(violation(this.id, variable, 'no validation refuses a /0 operator CIDR.', fix));
      else if (conditions === '') out.push(violation(this.id, variable, 'the operator source has no validation.', fix));
    }
    return out;
  },
};

export const eksIrsaOff: PolicyRule = {
  id: 'eks-irsa-off',
  invariant: 'the cluster creates no IRSA OIDC provider (workloads use Pod Identity)',
  check(config) {
    const eks = singleModule(config, this.id, MODULE_SOURCE.eks);
    if (isViolation(eks)) return [eks];
    return eks.body['enable_irsa'] === false
      ? []
      : [
          violation(
            this.id,
            eks,
            `enable_irsa is ${describeValue(eks.body['enable_irsa'])} (the module defaults it to true): an IAM OIDC provider nothing uses is one more way into the account's roles.`,
            'set enable_irsa = false; give controllers Pod Identity roles (pod-identity.tf).',
          ),
        ];
  },
};
