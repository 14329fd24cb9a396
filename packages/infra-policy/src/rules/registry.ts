// ECR: the payments repository has immutable tags, scan on push and a lifecycle policy.
import { blockList, blocksOf } from '../config.ts';
import { mentions, resolve } from '../expr.ts';
import { violation, type PolicyRule, type Violation } from '../violation.ts';
import { describeValue } from './common.ts';

export const PAYMENTS_REPOSITORY = 'quickship/payments';

export const ecrRepositoryHardened: PolicyRule = {
  id: 'ecr-repository-hardened',
  invariant: `the ${PAYMENTS_REPOSITORY} ECR repository has immutable tags, scan on push and a lifecycle policy`,
  check(config) {
    const repositories = blocksOf(config, 'resource', 'aws_ecr_repository');
    if (repositories.length === 0) {
      return [
        violation(
          this.id,
          { file: 'infra/', address: 'aws_ecr_repository' },
          'there is no ECR repository.',
          `add resource "aws_ecr_repository" "payments" { name = "${PAYMENTS_REPOSITORY}" … }.`,
        ),
      ];
    }
    const out: Violation[] = [];
    if (!repositories.some((r) => resolve(config, r.body['name']).value === PAYMENTS_REPOSITORY)) {
      out.push(
        violation(
          this.id,
          repositories[0] ?? { file: 'infra/', address: 'aws_ecr_repository' },
          `no repository is named ${PAYMENTS_REPOSITORY} (the image name the deploy/ Rollout and CI use).`,
          `set name = "${PAYMENTS_REPOSITORY}" (or a variable defaulting to it).`,
        ),
      );
    }
    const policies = blocksOf(config, 'resource', 'aws_ecr_lifecycle_policy');
    for (const repo of repositories) {
      if (repo.body['image_tag_mutability'] !== 'IMMUTABLE') {
        out.push(
          violation(
            this.id,
            repo,
            `image_tag_mutability is ${describeValue(repo.body['image_tag_mutability'])}; a re-pushed tag would change what a rollback deploys.`,
            'set image_tag_mutability = "IMMUTABLE".',
          ),
        );
      }
      if (resolve(config, repo.body['force_delete']).value === true) {
        out.push(
          violation(
            this.id,
            repo,
            'force_delete defaults to true: a destroy would silently delete every released image.',
            'default force_delete to false (var.ecr_force_delete = false), set it only for teardown.',
          ),
        );
      }
      if (!blockList(repo.body, 'image_scanning_configuration').some((s) => s['scan_on_push'] === true)) {
        out.push(
          violation(
            this.id,
            repo,
            'images are not scanned on push.',
            'add image_scanning_configuration { scan_on_push = true }.',
          ),
        );
      }
      if (!policies.some((p) => mentions(p.body['repository'], `${repo.address}.`))) {
        out.push(
          violation(
            this.id,
            repo,
            'no aws_ecr_lifecycle_policy targets this repository; old images pile up forever.',
            `add resource "aws_ecr_lifecycle_policy" with repository = ${repo.address}.name.`,
          ),
        );
      }
    }
    return out;
  },
};
