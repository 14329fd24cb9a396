// Managed node groups (AL2023, private subnets, IMDSv2 with hop limit 1) and the node security
// group rule that lets the ALB reach the payments pods.
import { findBlock, isObject, type HclValue, type TerraformConfig } from '../config.ts';
import { expressionText, isReferenceTo, mentions, plainReference, resolve } from '../expr.ts';
import { violation, type PolicyRule, type Violation } from '../violation.ts';
import { describeValue, isViolation, MODULE_SOURCE, PAYMENTS_CONTAINER_PORT, singleModule } from './common.ts';

/** An AL2023 AMI type: the literal, or a variable whose default is AL2023 and whose validation insists on it. */
function isAl2023(config: TerraformConfig, value: HclValue | undefined): boolean {
  const resolved = resolve(config, value);
  if (typeof resolved.value !== 'string' || !resolved.value.startsWith('AL2023_')) return false;
  if (!resolved.via?.startsWith('var.')) return true;
  const variable = findBlock(config, resolved.via);
  return mentions(variable?.body['validation'], 'AL2023_');
}

export const nodeGroupsHardened: PolicyRule = {
  id: 'node-groups-hardened',
  invariant: 'managed node groups run AL2023 in the private subnets with IMDSv2 required and hop limit 1',
  check(config) {
    const eks = singleModule(config, this.id, MODULE_SOURCE.eks);
    if (isViolation(eks)) return [eks];
    const groups = resolve(config, eks.body['eks_managed_node_groups']).value;
    if (!isObject(groups) || Object.keys(groups).length === 0) {
      return [
        violation(
          this.id,
          eks,
          `eks_managed_node_groups is ${describeValue(groups)}; the policy needs a literal map of node groups.`,
          'declare eks_managed_node_groups = { default = { … } } inline.',
        ),
      ];
    }
    const out: Violation[] = [];
    for (const [name, group] of Object.entries(groups)) {
      const at = { file: eks.file, address: `${eks.address}.eks_managed_node_groups.${name}` };
      if (!isObject(group)) {
        out.push(
          violation(
            this.id,
            at,
            `node group is ${describeValue(group)}.`,
            'declare the node group as a literal object.',
          ),
        );
        continue;
      }
      if (!isAl2023(config, group['ami_type'])) {
        out.push(
          violation(
            this.id,
            at,
            `ami_type is ${describeValue(group['ami_type'])}, not Amazon Linux 2023 (a variable must default to AL2023_* and validate it).`,
            'set ami_type = "AL2023_x86_64_STANDARD" (or var.node_ami_type validated with startswith(…, "AL2023_")).',
          ),
        );
      }
      if (!isReferenceTo(group['subnet_ids'], 'module.vpc.private_subnets')) {
        out.push(
          violation(
            this.id,
            at,
            `subnet_ids is ${describeValue(group['subnet_ids'])}; nodes belong in the private subnets only.`,
            'set subnet_ids = module.vpc.private_subnets.',
          ),
        );
      }
      const metadata = isObject(group['metadata_options']) ? group['metadata_options'] : {};
      if (metadata['http_tokens'] !== 'required') {
        out.push(
          violation(
            this.id,
            at,
            `metadata_options.http_tokens is ${describeValue(metadata['http_tokens'])}; IMDSv1 lets any SSRF read node credentials.`,
            'set metadata_options = { http_tokens = "required", … }.',
          ),
        );
      }
      if (metadata['http_put_response_hop_limit'] !== 1) {
        out.push(
          violation(
            this.id,
            at,
            `metadata_options.http_put_response_hop_limit is ${describeValue(metadata['http_put_response_hop_limit'])}; above 1, pods can reach the node role through IMDS.`,
            'set http_put_response_hop_limit = 1 (workloads use Pod Identity).',
          ),
        );
      }
    }
    return out;
  },
};

function portOf(config: TerraformConfig, value: HclValue | undefined): number | undefined {
  const resolved = resolve(config, value).value;
  return typeof resolved === 'number'
    ? resolved
    : typeof resolved === 'string' && /^\d+$/.test(resolved)
      ? Number(resolved)
      : undefined;
}

/**
 * What a rule admits on the payments port. The internet-facing ALB's ENIs live in the public
 * subnets: those CIDRs (as local.public_subnets or the VPC module's output) or a security group
 * (the ALB's) are exactly the load balancer; the VPC CIDR or the private subnets also hold every
 * node and pod (Grafana listens on 3000 too).
 */
function loadBalancerSource(rule: Record<string, HclValue>): 'load-balancer' | 'too-broad' | 'other' {
  if (rule['source_cluster_security_group'] === true || rule['source_node_security_group'] === true) return 'too-broad';
  if (typeof rule['source_security_group_id'] === 'string') return 'load-balancer';
  const cidrs = rule['cidr_blocks'];
  const refs = (Array.isArray(cidrs) ? cidrs : [cidrs]).map((c) => plainReference(c) ?? expressionText(c) ?? String(c));
  if (refs.some((r) => /^(local\.public_subnets|module\.vpc\.public_subnets_cidr_blocks)$/.test(r))) {
    return refs.every((r) => /^(local\.public_subnets|module\.vpc\.public_subnets_cidr_blocks)$/.test(r))
      ? 'load-balancer'
      : 'too-broad';
  }
  if (
    refs.some(
      (r) =>
        r.includes('vpc_cidr') ||
        r.includes('private_subnets') ||
        r.endsWith('/0') ||
        r === 'module.vpc.vpc_cidr_block',
    )
  )
    return 'too-broad';
  return 'other';
}

export const albReachesPods: PolicyRule = {
  id: 'alb-reaches-pods',
  invariant: `the node security group admits the ALB (target-type ip) on the payments container port ${PAYMENTS_CONTAINER_PORT}, from the public subnets only`,
  check(config) {
    const eks = singleModule(config, this.id, MODULE_SOURCE.eks);
    if (isViolation(eks)) return [eks];
    const rules = resolve(config, eks.body['node_security_group_additional_rules']).value;
    const fix = `add node_security_group_additional_rules = { ingress_alb_to_payments_pods = { type = "ingress", protocol = "tcp", from_port = ${PAYMENTS_CONTAINER_PORT}, to_port = ${PAYMENTS_CONTAINER_PORT}, cidr_blocks = local.public_subnets } } (or source_security_group_id = the ALB security group).`;
    const onPort = (isObject(rules) ? Object.values(rules) : []).filter(isObject).filter((rule) => {
      const type = rule['type'] ?? 'ingress';
      const protocol = rule['protocol'] ?? 'tcp';
      const from = portOf(config, rule['from_port']);
      const to = portOf(config, rule['to_port']);
      const coversPort =
        protocol === '-1' ||
        (from !== undefined && to !== undefined && from <= PAYMENTS_CONTAINER_PORT && PAYMENTS_CONTAINER_PORT <= to);
      return type === 'ingress' && (protocol === 'tcp' || protocol === '-1') && coversPort;
    });
    const out: Violation[] = [];
    for (const rule of onPort.filter((r) => loadBalancerSource(r) === 'too-broad'))
      out.push(
        violation(
          this.id,
          eks,
          `a node security group rule admits ${describeValue(rule['cidr_blocks'] ?? rule['source_node_security_group'] ?? rule['source_cluster_security_group'])} on ${PAYMENTS_CONTAINER_PORT}: the whole VPC (every node and pod, Grafana listens on 3000 too), not just the load balancer.`,
          "set cidr_blocks = local.public_subnets (the internet-facing ALB's subnets, which the payments NetworkPolicy admits), or source_security_group_id = the ALB security group.",
        ),
      );
    if (!onPort.some((r) => loadBalancerSource(r) === 'load-balancer'))
      out.push(
        violation(
          this.id,
          eks,
          `no node security group rule lets the load balancer reach pods on ${PAYMENTS_CONTAINER_PORT}; with target-type ip the ALB's requests and health checks time out (the original project's ingress failure).`,
          fix,
        ),
      );
    return out;
  },
};
