// EKS control plane: supported version, endpoint exposure, secrets encryption, logs, access, add-ons.
import { blockList, findBlock, isObject, type Block } from '../config.ts';
import { calendarEntry, eksSupportStatus, versionsInStandardSupport } from '../eks-calendar.ts';
import { expressionText, mentions, objectKeys, plainReference, quotedStrings, resolve, stringItems } from '../expr.ts';
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
    return out;
  },
};

export const REQUIRED_ADDONS = ['vpc-cni', 'coredns', 'kube-proxy', 'eks-pod-identity-agent'] as const;

export const eksAddons: PolicyRule = {
  id: 'eks-addons',
  invariant: 'the managed add-ons include vpc-cni, coredns, kube-proxy and the Pod Identity agent',
  check(config) {
    const eks = singleModule(config, this.id, MODULE_SOURCE.eks);
    if (isViolation(eks)) return [eks];
    const keys = objectKeys(config, eks.body['addons']);
    const missing = REQUIRED_ADDONS.filter((a) => !keys.includes(a));
    return missing.length === 0
      ? []
      : [
          violation(
            this.id,
            eks,
            `addons lacks ${missing.join(', ')} (found: ${keys.join(', ') || 'none'}).`,
            `add ${missing.map((a) => `${a} = {}`).join(', ')} to the add-ons map (vpc-cni and eks-pod-identity-agent with before_compute = true).`,
          ),
        ];
  },
};
