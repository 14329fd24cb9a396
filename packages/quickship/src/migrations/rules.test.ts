// Every rule has a refusing and an accepting fixture (fixtures/<rule>/refuse.sql, accept.sql),
// linted as a new migration on top of the real 0001_init.sql (released) and, when present, the
// rule's fixtures/<rule>/released.sql as a released 0002_released.sql.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintMigrations, type MigrationLintResult } from './lint.ts';
import { parseMigration, MigrationSyntaxError } from './parse.ts';
import { RULES, type Rule } from './rules.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const INIT = fileURLToPath(new URL('../../../../services/payments/migrations/0001_init.sql', import.meta.url));

async function lintFixture(
  rule: string,
  which: 'refuse' | 'accept',
  rules?: readonly Rule[],
): Promise<MigrationLintResult> {
  const released = new Map([['0001_init.sql', readFileSync(INIT, 'utf8')]]);
  const extra = join(FIXTURES, rule, 'released.sql');
  if (existsSync(extra)) released.set('0002_released.sql', readFileSync(extra, 'utf8'));
  const files = await Promise.all(
    [...released, ['0003_fixture.sql', readFileSync(join(FIXTURES, rule, `${which}.sql`), 'utf8')] as const].map(
      ([name, sql]) => parseMigration(name, sql),
    ),
  );
  return lintMigrations(files, { label: 'the fixture release', files: released }, rules);
}

const ruleIds = [...RULES.map((rule) => rule.id), 'contract-unverified'];

describe('migration rules', () => {
  it('every rule has a fixture folder and every fixture folder a rule', () => {
    expect(readdirSync(FIXTURES).sort()).toEqual([...ruleIds].sort());
  });

  for (const id of ruleIds) {
    it(`${id}: refuses refuse.sql (only for this rule) and accepts accept.sql`, async () => {
      const refused = await lintFixture(id, 'refuse');
      expect(refused.checked).toEqual(['0003_fixture.sql']);
      expect(refused.violations.length).toBeGreaterThan(0);
      expect(refused.violations.map((v) => v.rule)).toEqual(refused.violations.map(() => id));
      for (const v of refused.violations) {
        expect(v.fileName).toBe('0003_fixture.sql');
        expect(v.risk.length).toBeGreaterThan(20);
        expect(v.instead.length).toBeGreaterThan(20);
      }
      const accepted = await lintFixture(id, 'accept');
      expect(accepted.violations).toEqual([]);
    });
  }

  it('without its rule, a refusing fixture passes (the fixtures isolate their rule)', async () => {
    for (const rule of RULES) {
      const result = await lintFixture(
        rule.id,
        'refuse',
        RULES.filter((other) => other !== rule),
      );
      expect(result.violations, rule.id).toEqual([]);
    }
  });

  it('names the line of the statement, past comments and blank lines, in a file with non-ASCII comments', async () => {
    const sql =
      '-- « expand » — a comment\n\nALTER TABLE payments ADD COLUMN x text;\n/* note */\nALTER TABLE payments\n  DROP COLUMN description;\n';
    const released = new Map([['0001_init.sql', readFileSync(INIT, 'utf8')]]);
    const files = [
      await parseMigration('0001_init.sql', released.get('0001_init.sql')!),
      await parseMigration('0002_x.sql', sql),
    ];
    const { violations } = lintMigrations(files, { label: 'r', files: released });
    expect(violations).toMatchObject([
      {
        rule: 'ban-drop-column',
        fileName: '0002_x.sql',
        line: 5,
        statement: 'ALTER TABLE payments DROP COLUMN description',
      },
    ]);
  });

  it('changes to tables a new migration created are not refused (nothing serves from them yet)', async () => {
    const sql =
      'CREATE TABLE payouts (id text PRIMARY KEY, amount integer);\nCREATE INDEX payouts_amount ON payouts (amount);\nALTER TABLE payouts ALTER COLUMN amount TYPE bigint;\nALTER TABLE payouts ALTER COLUMN amount SET NOT NULL;\n';
    const { violations } = lintMigrations([await parseMigration('0001_x.sql', sql)], { label: 'r', files: new Map() });
    expect(violations).toEqual([]);
  });

  it('a released file that changed is refused', async () => {
    const released = new Map([['0001_init.sql', 'CREATE TABLE a (id int);']]);
    const files = [await parseMigration('0001_init.sql', 'CREATE TABLE a (id bigint);')];
    expect(lintMigrations(files, { label: 'r', files: released }).violations).toMatchObject([
      { rule: 'released-migration-changed' },
    ]);
  });

  it('SQL that PostgreSQL 15 does not parse is a named error with its line', async () => {
    await expect(parseMigration('0002_bad.sql', 'SELECT 1;\nALTER TABLE payments DROPP COLUMN x;')).rejects.toThrow(
      MigrationSyntaxError,
    );
    await expect(parseMigration('0002_bad.sql', 'SELECT 1;\nALTER TABLE payments DROPP COLUMN x;')).rejects.toThrow(
      /0002_bad.sql:2: /,
    );
  });
});
