// VPC: three AZs, private/public/intra subnets, a NAT gateway per AZ, load-balancer subnet tags.
import { type TerraformConfig } from '../config.ts';
import { expressionText, member, resolve } from '../expr.ts';
import { violation, type PolicyRule, type Violation } from '../violation.ts';
import { booleanSetting, describeValue, isViolation, MODULE_SOURCE, singleModule } from './common.ts';

/** The AZ list is a literal of three, or a local built as slice(<names>, 0, 3). */
function threeAzs(config: TerraformConfig, value: Parameters<typeof resolve>[1]): boolean {
  const resolved = resolve(config, value).value;
  if (Array.isArray(resolved)) return resolved.length === 3;
  const text = expressionText(resolved) ?? '';
  return /^slice\(.+,\s*0\s*,\s*3\s*\)$/.test(text.trim());
}

export const vpcLayout: PolicyRule = {
  id: 'vpc-layout',
  invariant: 'the VPC spans three AZs with private, public and intra subnets and one NAT gateway per AZ',
  check(config) {
    const vpc = singleModule(config, this.id, MODULE_SOURCE.vpc);
    if (isViolation(vpc)) return [vpc];
    const out: Violation[] = [];
    const b = vpc.body;
    if (!threeAzs(config, b['azs'])) {
      out.push(
        violation(
          this.id,
          vpc,
          `azs is ${describeValue(b['azs'])}, not three Availability Zones.`,
          'set azs to three AZs, e.g. slice(data.aws_availability_zones.available.names, 0, 3).',
        ),
      );
    }
    for (const tier of ['private_subnets', 'public_subnets', 'intra_subnets']) {
      const value = resolve(config, b[tier]).value;
      if (value === undefined || (Array.isArray(value) && value.length === 0)) {
        out.push(violation(this.id, vpc, `${tier} is empty.`, `give ${tier} one CIDR per AZ.`));
      }
    }
    if (!booleanSetting(config, b['enable_nat_gateway'], true)) {
      out.push(
        violation(
          this.id,
          vpc,
          'enable_nat_gateway is not true: private nodes cannot pull images or reach AWS APIs.',
          'set enable_nat_gateway = true.',
        ),
      );
    }
    if (booleanSetting(config, b['single_nat_gateway'], true)) {
      out.push(
        violation(
          this.id,
          vpc,
          'single_nat_gateway = true makes one AZ the egress of all three.',
          'set single_nat_gateway = false.',
        ),
      );
    }
    if (!booleanSetting(config, b['one_nat_gateway_per_az'], true)) {
      out.push(
        violation(
          this.id,
          vpc,
          'one_nat_gateway_per_az is not true.',
          'set one_nat_gateway_per_az = true so each AZ keeps egress when another fails.',
        ),
      );
    }
    return out;
  },
};

export const vpcLoadBalancerTags: PolicyRule = {
  id: 'vpc-load-balancer-tags',
  invariant: 'public subnets carry kubernetes.io/role/elb = 1 and private subnets kubernetes.io/role/internal-elb = 1',
  check(config) {
    const vpc = singleModule(config, this.id, MODULE_SOURCE.vpc);
    if (isViolation(vpc)) return [vpc];
    const out: Violation[] = [];
    const wanted: [string, string][] = [
      ['public_subnet_tags', 'kubernetes.io/role/elb'],
      ['private_subnet_tags', 'kubernetes.io/role/internal-elb'],
    ];
    for (const [attribute, tag] of wanted) {
      const value = member(config, vpc.body[attribute], tag);
      if (String(value) !== '1') {
        out.push(
          violation(
            this.id,
            vpc,
            `${attribute}["${tag}"] is ${describeValue(value)}; the AWS Load Balancer Controller discovers subnets by this tag.`,
            `set ${attribute} = { "${tag}" = 1 }.`,
          ),
        );
      }
    }
    return out;
  },
};
