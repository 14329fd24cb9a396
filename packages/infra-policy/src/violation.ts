// What a policy rule reports: where (file and Terraform address), what is wrong, and the fix.
import type { Block, TerraformConfig } from './config.ts';

export interface Violation {
  readonly rule: string;
  readonly file: string;
  readonly address: string;
  readonly problem: string;
  readonly fix: string;
}

export interface PolicyOptions {
  /** Date the EKS support calendar is read at; defaults to now. */
  readonly asOf?: Date;
}

export interface PolicyRule {
  readonly id: string;
  /** The invariant in one line, as it reads in a test name. */
  readonly invariant: string;
  check(config: TerraformConfig, options?: PolicyOptions): Violation[];
}

/** A violation located at a block, or at a file and address when the block is missing. */
export function violation(
  rule: string,
  at: Block | { file: string; address: string },
  problem: string,
  fix: string,
): Violation {
  return { rule, file: at.file, address: at.address, problem, fix };
}

export function formatViolation(v: Violation): string {
  return `[${v.rule}] ${v.address} (${v.file}): ${v.problem} Fix: ${v.fix}`;
}
