// Test helper: the real infra/ sources, and copies of them with one deliberate defect, so every
// policy rule is shown to pass on the real code and to fail on a specific regression.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTerraformSources } from '../src/hcl.ts';
import type { TerraformConfig } from '../src/config.ts';
import type { PolicyOptions, PolicyRule, Violation } from '../src/violation.ts';

export const INFRA_DIR = fileURLToPath(new URL('../../../infra/', import.meta.url));

export function readInfraSources(): Record<string, string> {
  const sources: Record<string, string> = {};
  for (const name of readdirSync(INFRA_DIR).sort()) {
    if (name.endsWith('.tf')) sources[name] = readFileSync(`${INFRA_DIR}${name}`, 'utf8');
  }
  return sources;
}

/** infra/*.tf read once for the whole test file; frozen because every test shares it (applyEdits copies before editing). */
const INFRA_SOURCES: Readonly<Record<string, string>> = Object.freeze(readInfraSources());

/** [file, text to find (exactly once), replacement] */
export type Edit = readonly [file: string, from: string, to: string];

export class EditDoesNotApplyError extends Error {
  constructor(file: string, from: string, count: number) {
    super(
      `${file}: expected exactly one occurrence of ${JSON.stringify(from)}, found ${count}. The test's edit no longer matches infra/; update the test.`,
    );
    this.name = 'EditDoesNotApplyError';
  }
}

export function applyEdits(sources: Readonly<Record<string, string>>, edits: readonly Edit[]): Record<string, string> {
  const next = { ...sources };
  for (const [file, from, to] of edits) {
    const text = next[file] ?? '';
    const count = text.split(from).length - 1;
    if (count !== 1) throw new EditDoesNotApplyError(file, from, count);
    next[file] = text.replace(from, to);
  }
  return next;
}

export function parseInfraWith(...edits: Edit[]): Promise<TerraformConfig> {
  return parseTerraformSources(applyEdits(INFRA_SOURCES, edits));
}

/** The rule's violations on infra/ after the edits. */
export async function violationsAfter(rule: PolicyRule, edits: Edit[], options?: PolicyOptions): Promise<Violation[]> {
  return rule.check(await parseInfraWith(...edits), options);
}

/** Only the violations at `address` in `file` whose problem mentions `fragment`. */
export function violationsAt(
  violations: readonly Violation[],
  file: string,
  address: string,
  fragment: string,
): Violation[] {
  return violations.filter((v) => v.file === file && v.address === address && v.problem.includes(fragment));
}
