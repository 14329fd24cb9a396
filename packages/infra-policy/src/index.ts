// @quickship/infra-policy: parse infra/ (HCL → JSON via @cdktf/hcl2json) and check the security
// and operability invariants of the AWS platform; also `terraform fmt -check`.
export {
  loadTerraformDir,
  parseTerraformSources,
  listTerraformFiles,
  HclParseError,
  NoTerraformFilesError,
} from './hcl.ts';
export { buildConfig, blocksOf, findBlock, modulesFrom } from './config.ts';
export type { Block, BlockKind, HclObject, HclValue, TerraformConfig } from './config.ts';
export { checkPolicy } from './policy.ts';
export { POLICY_RULES } from './rules/index.ts';
export { formatViolation } from './violation.ts';
export type { PolicyOptions, PolicyRule, Violation } from './violation.ts';
export { EKS_RELEASE_CALENDAR, eksSupportStatus, versionsInStandardSupport } from './eks-calendar.ts';
export { findTerraform, terraformFmtCheck, TerraformFmtError } from './terraform-fmt.ts';
export type { FmtResult } from './terraform-fmt.ts';
