import { describe, expect, it } from 'vitest';
import { violationsAfter, violationsAt } from '../../test/infra-sources.ts';
import { ecrRepositoryHardened } from './registry.ts';

const REPO = 'aws_ecr_repository.payments';

describe('ecr-repository-hardened', () => {
  it('refuses mutable tags and no scan on push', async () => {
    const v = await violationsAfter(ecrRepositoryHardened, [
      ['ecr.tf', 'image_tag_mutability = "IMMUTABLE"', 'image_tag_mutability = "MUTABLE"'],
      ['ecr.tf', 'scan_on_push = true', 'scan_on_push = false'],
    ]);
    expect(violationsAt(v, 'ecr.tf', REPO, 'image_tag_mutability is "MUTABLE"')).toHaveLength(1);
    expect(violationsAt(v, 'ecr.tf', REPO, 'not scanned on push')).toHaveLength(1);
  });

  it('refuses a repository without a lifecycle policy', async () => {
    const v = await violationsAfter(ecrRepositoryHardened, [['ecr.tf', 'resource "aws_ecr_lifecycle_policy" "payments" {\n  repository = aws_ecr_repository.payments.name', 'resource "aws_ecr_lifecycle_policy" "payments" {\n  repository = "some-other-repository"']]);
    expect(violationsAt(v, 'ecr.tf', REPO, 'no aws_ecr_lifecycle_policy targets this repository')).toHaveLength(1);
  });

  it('refuses a repository not named quickship/payments', async () => {
    const v = await violationsAfter(ecrRepositoryHardened, [['variables.tf', 'default     = "quickship/payments"', 'default     = "quickship/payments-api"']]);
    expect(violationsAt(v, 'ecr.tf', REPO, 'no repository is named quickship/payments')).toHaveLength(1);
  });
});
