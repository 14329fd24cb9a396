// The migration lint (pure): every migration file in order, the released ones only to learn the
// schema, the new ones checked statement by statement against RULES. The caller parsed the files
// (parse.ts) and read which were released (released.ts); nothing here touches disk or Git.
import { readMarkers } from './markers.ts';
import type { MigrationFile } from './parse.ts';
import { RULES, type Rule } from './rules.ts';
import { SchemaFacts } from './schema-facts.ts';

export interface MigrationViolation {
  readonly rule: string;
  readonly fileName: string;
  readonly line: number;
  /** The statement's text, shortened to one line. */
  readonly statement: string;
  readonly risk: string;
  readonly instead: string;
}

export interface ReleasedMigrations {
  /** What "released" is, for messages: e.g. `release commit 1a2b3c4d5e6f (release: payments …:0.2.0)`. */
  readonly label: string;
  /** File name → SQL of every migration in the stable release. */
  readonly files: ReadonlyMap<string, string>;
}

export interface MigrationLintResult {
  /** The files checked (those newer than the release). */
  readonly checked: readonly string[];
  readonly violations: readonly MigrationViolation[];
}

export function lintMigrations(
  files: readonly MigrationFile[],
  released: ReleasedMigrations,
  rules: readonly Rule[] = RULES,
): MigrationLintResult {
  const facts = new SchemaFacts();
  const violations: MigrationViolation[] = [];
  const checked: string[] = [];
  for (const file of files) {
    const releasedSql = released.files.get(file.fileName);
    if (releasedSql !== undefined) {
      if (releasedSql !== file.sql)
        violations.push({
          rule: 'released-migration-changed',
          fileName: file.fileName,
          line: 1,
          statement: '(whole file)',
          risk: `the file differs from the one in ${released.label}, which the shared database already ran: the runner refuses its checksum`,
          instead:
            'restore the released file (git checkout <release commit> -- <file>) and put the change in a new migration',
        });
      for (const statement of file.statements) facts.apply(statement, file.fileName, true);
      continue;
    }
    checked.push(file.fileName);
    const markers = readMarkers(file.sql);
    const contract = markers.contractOf ? verifyContract(markers.contractOf, files, released) : undefined;
    if (contract && !contract.verified)
      violations.push({
        rule: 'contract-unverified',
        fileName: file.fileName,
        line: 1,
        statement: `-- contract_of: ${markers.contractOf}`,
        risk: contract.reason,
        instead: 'ship the expand in a release and let it become stable first; the contract goes in a later release',
      });
    const context = { file, markers, facts, contractVerified: contract?.verified === true };
    for (const statement of file.statements) {
      for (const rule of rules)
        for (const finding of rule.check(statement, context))
          violations.push({
            rule: rule.id,
            fileName: file.fileName,
            line: statement.line,
            statement: oneLine(statement.text),
            ...finding,
          });
      facts.apply(statement, file.fileName, false);
    }
  }
  return { checked, violations };
}

function verifyContract(
  expand: string,
  files: readonly MigrationFile[],
  released: ReleasedMigrations,
): { verified: true } | { verified: false; reason: string } {
  if (!files.some((file) => file.fileName === expand))
    return { verified: false, reason: `contract_of names ${expand}, which is not a migration file here` };
  if (!released.files.has(expand))
    return {
      verified: false,
      reason: `contract_of claims ${expand} shipped, but it is not in ${released.label}: the stable revision may still read what this drops`,
    };
  return { verified: true };
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

/** `file:line: rule: statement` then the risk and the alternative, as the CLI prints it. */
export function formatViolation(v: MigrationViolation): string {
  return `${v.fileName}:${v.line}: ${v.rule}: ${v.statement}\n  risk: ${v.risk}\n  instead: ${v.instead}`;
}
