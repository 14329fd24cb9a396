import { describe, expect, it } from 'vitest';
import { violationsAfter, violationsAt } from '../../test/infra-sources.ts';
import { vpcLayout, vpcLoadBalancerTags } from './network.ts';

describe('vpc-layout', () => {
  it('refuses a single shared NAT gateway', async () => {
    const v = await violationsAfter(vpcLayout, [
      ['vpc.tf', 'single_nat_gateway     = false', 'single_nat_gateway     = true'],
      ['vpc.tf', 'one_nat_gateway_per_az = true', 'one_nat_gateway_per_az = false'],
    ]);
    expect(violationsAt(v, 'vpc.tf', 'module.vpc', 'single_nat_gateway = true')).toHaveLength(1);
    expect(violationsAt(v, 'vpc.tf', 'module.vpc', 'one_nat_gateway_per_az is not true')).toHaveLength(1);
  });

  it('refuses fewer than three AZs', async () => {
    const v = await violationsAfter(vpcLayout, [['main.tf', 'slice(data.aws_availability_zones.available.names, 0, 3)', 'slice(data.aws_availability_zones.available.names, 0, 2)']]);
    expect(violationsAt(v, 'vpc.tf', 'module.vpc', 'not three Availability Zones')).toHaveLength(1);
  });

  it('refuses a missing intra subnet tier', async () => {
    const v = await violationsAfter(vpcLayout, [['vpc.tf', '  intra_subnets    = local.intra_subnets\n', '']]);
    expect(violationsAt(v, 'vpc.tf', 'module.vpc', 'intra_subnets is empty')).toHaveLength(1);
  });
});

describe('vpc-load-balancer-tags', () => {
  it('refuses public subnets without the kubernetes.io/role/elb tag', async () => {
    const v = await violationsAfter(vpcLoadBalancerTags, [['vpc.tf', '"kubernetes.io/role/elb" = 1', '"kubernetes.io/role/alb" = 1']]);
    expect(violationsAt(v, 'vpc.tf', 'module.vpc', 'public_subnet_tags["kubernetes.io/role/elb"] is unset')).toHaveLength(1);
    expect(v).toHaveLength(1);
  });

  it('refuses private subnets whose internal-elb tag is not 1', async () => {
    const v = await violationsAfter(vpcLoadBalancerTags, [['vpc.tf', '"kubernetes.io/role/internal-elb" = 1', '"kubernetes.io/role/internal-elb" = 0']]);
    expect(violationsAt(v, 'vpc.tf', 'module.vpc', 'private_subnet_tags["kubernetes.io/role/internal-elb"] is 0')).toHaveLength(1);
  });
});
