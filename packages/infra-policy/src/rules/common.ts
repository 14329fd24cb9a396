// Shared lookups for the rules.
import { modulesFrom, type Block, type HclValue, type TerraformConfig } from '../config.ts';
import { resolve } from '../expr.ts';
import { violation, type Violation } from '../violation.ts';

export const MODULE_SOURCE = {
  vpc: 'terraform-aws-modules/vpc/aws',
  eks: 'terraform-aws-modules/eks/aws',
  rds: 'terraform-aws-modules/rds/aws',
  podIdentity: 'terraform-aws-modules/eks-pod-identity/aws',
} as const;

/** The payments service listens on 3000 (team brief, shared decisions). */
export const PAYMENTS_CONTAINER_PORT = 3000;

/** Exactly one module from `source`, or a violation saying which block to add. */
export function singleModule(config: TerraformConfig, rule: string, source: string): Block | Violation {
  const found = modulesFrom(config, source);
  if (found.length === 1 && found[0]) return found[0];
  return violation(
    rule,
    { file: 'infra/', address: source },
    found.length === 0
      ? 'no module uses this source.'
      : `${found.length} modules use this source; the policy expects one.`,
    `declare exactly one module with source = "${source}".`,
  );
}

export function isViolation(value: Block | Violation): value is Violation {
  return 'problem' in value;
}

/**
 * A boolean setting that must be `expected`: either the literal, or a variable whose default is the
 * literal (so the safe value is what you get unless someone overrides it on purpose).
 */
export function booleanSetting(config: TerraformConfig, value: HclValue | undefined, expected: boolean): boolean {
  return resolve(config, value).value === expected;
}

export function describeValue(value: HclValue | undefined): string {
  return value === undefined ? 'unset' : JSON.stringify(value);
}
