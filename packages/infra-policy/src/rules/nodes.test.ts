import { describe, expect, it } from 'vitest';
import { violationsAfter, violationsAt } from '../../test/infra-sources.ts';
import { albReachesPods, nodeGroupsHardened } from './nodes.ts';

const GROUP = 'module.eks.eks_managed_node_groups.default';

describe('node-groups-hardened', () => {
  it('refuses IMDSv1 and a hop limit above 1', async () => {
    const v = await violationsAfter(nodeGroupsHardened, [
      ['eks.tf', 'http_tokens                 = "required"', 'http_tokens                 = "optional"'],
      ['eks.tf', 'http_put_response_hop_limit = 1', 'http_put_response_hop_limit = 2'],
    ]);
    expect(violationsAt(v, 'eks.tf', GROUP, 'http_tokens is "optional"')).toHaveLength(1);
    expect(violationsAt(v, 'eks.tf', GROUP, 'hop_limit is 2')).toHaveLength(1);
  });

  it('refuses nodes in the public subnets', async () => {
    const v = await violationsAfter(nodeGroupsHardened, [['eks.tf', '      subnet_ids = module.vpc.private_subnets\n', '      subnet_ids = module.vpc.public_subnets\n']]);
    expect(violationsAt(v, 'eks.tf', GROUP, 'private subnets only')).toHaveLength(1);
  });

  it('refuses an AMI type default other than AL2023', async () => {
    const v = await violationsAfter(nodeGroupsHardened, [['variables.tf', 'default     = "AL2023_x86_64_STANDARD"', 'default     = "BOTTLEROCKET_x86_64"']]);
    expect(violationsAt(v, 'eks.tf', GROUP, 'not Amazon Linux 2023')).toHaveLength(1);
  });
});

describe('alb-reaches-pods', () => {
  it('refuses a node security group without the ALB → pod rule (the original ingress timeouts)', async () => {
    const v = await violationsAfter(albReachesPods, [['eks.tf', 'cidr_blocks = [var.vpc_cidr]', 'cidr_blocks = ["192.0.2.0/24"]']]);
    expect(violationsAt(v, 'eks.tf', 'module.eks', 'no node security group rule lets the load balancer reach pods on 3000')).toHaveLength(1);
    expect(v[0]!.fix).toContain('from_port = 3000');
  });

  it('refuses a rule on another port than the payments container port', async () => {
    const v = await violationsAfter(albReachesPods, [['variables.tf', 'default     = 3000', 'default     = 8080']]);
    expect(v).toHaveLength(1);
  });
});
