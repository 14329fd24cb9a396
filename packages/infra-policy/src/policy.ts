// Runs the policy rules over a parsed configuration. Pure.
import type { TerraformConfig } from './config.ts';
import { POLICY_RULES } from './rules/index.ts';
import type { PolicyOptions, PolicyRule, Violation } from './violation.ts';

export function checkPolicy(
  config: TerraformConfig,
  options: PolicyOptions = {},
  rules: readonly PolicyRule[] = POLICY_RULES,
): Violation[] {
  return rules.flatMap((rule) => rule.check(config, options));
}
