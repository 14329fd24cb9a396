// Runs Debian's promtool (the prometheus package) on rule files: the real PromQL parser and
// rule checker. Tests skip, saying why, only when promtool is not installed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const PROMTOOL = process.env.PROMTOOL ?? 'promtool';

export function promtoolVersion(): string | undefined {
  const result = spawnSync(PROMTOOL, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return result.status === 0 ? (result.stdout || result.stderr).split('\n')[0] : undefined;
}

export interface CheckResult {
  readonly ok: boolean;
  readonly output: string;
}

/** `promtool check rules` on the given rule groups, written to a temporary file. */
export function checkRules(groups: unknown): CheckResult {
  const dir = mkdtempSync(join(tmpdir(), 'quickship-promtool-'));
  try {
    const file = join(dir, 'rules.yaml');
    writeFileSync(file, stringify({ groups }));
    const result = spawnSync(PROMTOOL, ['check', 'rules', file], { encoding: 'utf8', timeout: 30_000 });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Wraps bare PromQL queries as recording rules, so `promtool check rules` parses each one. */
export function asRecordingRules(
  group: string,
  queries: readonly { readonly name: string; readonly expr: string }[],
): unknown {
  return [
    {
      name: group,
      rules: queries.map((q) => ({ record: `quickship:check:${q.name.replace(/[^a-zA-Z0-9_]/g, '_')}`, expr: q.expr })),
    },
  ];
}
