// The migration lint's shell on real temporary Git repositories: "released" is the tree of the
// newest release commit that the real `quickship release` made, and the contract marker is
// checked against that history. Also `quickship lint` as a process.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IMAGES_FILE, readImagesFile, renderAll } from '@quickship/manifests';
import { releaseImage } from '../release/index.ts';
import { assertSafeBuild, checkMigrations, UnsafeMigrationError } from './check.ts';
import { MIGRATIONS_PATH } from './released.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const INIT = readFileSync(join(ROOT, MIGRATIONS_PATH, '0001_init.sql'), 'utf8');
const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/payments';
const ref = (tag: string): string => `${ECR}:${tag}@sha256:${'ab'.repeat(32)}`;
const repos: string[] = [];

beforeAll(() => {
  for (const name of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_DIR'])
    delete process.env[name];
});
afterEach(() => {
  for (const dir of repos.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trimEnd();
}

function write(repo: string, path: string, text: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}

function commitMigration(repo: string, fileName: string, sql: string): void {
  write(repo, `${MIGRATIONS_PATH}/${fileName}`, sql);
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', `migration ${fileName}`);
}

function makeRepo(): string {
  const repo = mkdtempSync(join(tmpdir(), 'quickship-migrations-'));
  repos.push(repo);
  git(repo, 'init', '--quiet', '--initial-branch=main');
  git(repo, 'config', 'user.name', 'Migration Test');
  git(repo, 'config', 'user.email', 'migration-test@example.com');
  git(repo, 'config', 'commit.gpgsign', 'false');
  const images = readImagesFile(ROOT);
  write(repo, '.gitignore', '.quickship/\n');
  write(repo, IMAGES_FILE, `${JSON.stringify(images, null, 2)}\n`);
  for (const [path, text] of renderAll({ images })) write(repo, path, text);
  commitMigration(repo, '0001_init.sql', INIT);
  return repo;
}

const EXPAND = 'ALTER TABLE payments ADD COLUMN statement_descriptor text;\n';
const BACKFILL =
  '-- backfill: pause_ms=5\nUPDATE payments SET statement_descriptor = description WHERE id IN (SELECT id FROM payments WHERE statement_descriptor IS NULL AND description IS NOT NULL LIMIT 500);\n';
const CONTRACT = '-- contract_of: 0002_add_statement_descriptor.sql\nALTER TABLE payments DROP COLUMN description;\n';

describe('migration lint against Git history', () => {
  it('before any release every file is new; the initial schema passes', async () => {
    const repo = makeRepo();
    const check = await checkMigrations({ repoDir: repo });
    expect(check.releasedLabel).toBe('no release commit for eks yet');
    expect(check.checked).toEqual(['0001_init.sql']);
    expect(check.violations).toEqual([]);
  });

  it('expand → backfill → contract over three real releases; the contract is refused until its expand is stable', async () => {
    const repo = makeRepo();
    await releaseImage({ reference: ref('v1.0.0'), environment: 'eks', dir: repo });

    // Release 2: the expand (nullable column).
    commitMigration(repo, '0002_add_statement_descriptor.sql', EXPAND);
    expect((await checkMigrations({ repoDir: repo })).checked).toEqual(['0002_add_statement_descriptor.sql']);
    // A contract claimed in the same release as its expand is refused: the stable code still reads the column.
    write(repo, `${MIGRATIONS_PATH}/0003_drop_description.sql`, CONTRACT);
    const early = await checkMigrations({ repoDir: repo });
    expect(early.violations.map((v) => v.rule).sort()).toEqual(['ban-drop-column', 'contract-unverified']);
    expect(early.violations.find((v) => v.rule === 'contract-unverified')?.risk).toMatch(
      /0002_add_statement_descriptor.sql.*not in release commit [0-9a-f]{12} \(release: payments .*v1\.0\.0/,
    );
    rmSync(join(repo, MIGRATIONS_PATH, '0003_drop_description.sql'));
    const second = await releaseImage({ reference: ref('v1.1.0'), environment: 'eks', dir: repo });
    expect(second.commit).toBeDefined();

    // Release 3: the batched backfill (code reads both columns).
    commitMigration(repo, '0003_backfill_statement_descriptor.sql', BACKFILL);
    expect((await checkMigrations({ repoDir: repo })).violations).toEqual([]);
    await releaseImage({ reference: ref('v1.2.0'), environment: 'eks', dir: repo });

    // Release 4: the contract, now that the expand is in the stable release.
    commitMigration(repo, '0004_drop_description.sql', CONTRACT);
    const contract = await checkMigrations({ repoDir: repo });
    expect(contract.checked).toEqual(['0004_drop_description.sql']);
    expect(contract.violations).toEqual([]);
    await releaseImage({ reference: ref('v1.3.0'), environment: 'eks', dir: repo });
    expect(git(repo, 'log', '-1', '--format=%s')).toBe(`release: payments ${ref('v1.3.0')}`);
  });

  it('quickship release refuses an unsafe migration and commits nothing', async () => {
    const repo = makeRepo();
    await releaseImage({ reference: ref('v1.0.0'), environment: 'eks', dir: repo });
    commitMigration(repo, '0002_drop_description.sql', 'ALTER TABLE payments DROP COLUMN description;\n');
    const head = git(repo, 'rev-parse', 'HEAD');
    const refused = releaseImage({ reference: ref('v1.1.0'), environment: 'eks', dir: repo });
    await expect(refused).rejects.toThrow(UnsafeMigrationError);
    await expect(refused).rejects.toThrow(
      /0002_drop_description.sql:1: ban-drop-column: ALTER TABLE payments DROP COLUMN description/,
    );
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('`quickship lint` prints file, line, statement, risk and alternative, and exits 1', async () => {
    const repo = makeRepo();
    await releaseImage({ reference: ref('v1.0.0'), environment: 'eks', dir: repo });
    commitMigration(
      repo,
      '0002_index.sql',
      '-- an index\nCREATE INDEX payments_created_at ON payments (created_at);\n',
    );
    const run = (...args: string[]) =>
      promisify(execFile)(
        process.execPath,
        [join(ROOT, 'packages/quickship/bin/quickship.js'), 'lint', '--repo', repo, ...args],
        {
          cwd: repo,
        },
      ).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
      );
    const refused = await run();
    expect(refused.code).toBe(1);
    expect(refused.out).toContain(
      '0002_index.sql:2: require-concurrent-index-creation: CREATE INDEX payments_created_at',
    );
    expect(refused.out).toMatch(/risk: CREATE INDEX blocks every write to payments/);
    expect(refused.out).toMatch(/instead: CREATE INDEX CONCURRENTLY/);
    commitMigration(
      repo,
      '0002_index.sql',
      'CREATE INDEX CONCURRENTLY payments_created_at ON payments (created_at);\n',
    );
    const accepted = await run();
    expect(accepted.out).toContain('migrations: 0002_index.sql checked against release commit');
    expect(accepted.code).toBe(0);
  });

  it("the sync's lint: one build's migrations against another's, both read from Git at the builds' commits", async () => {
    const repo = makeRepo();
    const stable = git(repo, 'rev-parse', 'HEAD');
    commitMigration(repo, '0002_add_statement_descriptor.sql', EXPAND);
    const expand = git(repo, 'rev-parse', 'HEAD');
    const label = `the stable build quickship/payments:s (commit ${stable.slice(0, 12)})`;
    expect(
      (await assertSafeBuild({ repoDir: repo, candidateCommit: expand, stableCommit: stable, stableLabel: label }))
        .checked,
    ).toEqual(['0002_add_statement_descriptor.sql']);
    // A contract whose expand the stable build does not have yet: refused, naming the stable build.
    commitMigration(repo, '0003_drop_description.sql', CONTRACT);
    const early = assertSafeBuild({
      repoDir: repo,
      candidateCommit: git(repo, 'rev-parse', 'HEAD'),
      stableCommit: stable,
      stableLabel: label,
    });
    await expect(early).rejects.toThrow(UnsafeMigrationError);
    await expect(early).rejects.toThrow(/contract-unverified.*\n.*it is not in the stable build quickship\/payments:s/);
    // Once the stable build has the expand, the same contract is accepted.
    const late = await assertSafeBuild({
      repoDir: repo,
      candidateCommit: git(repo, 'rev-parse', 'HEAD'),
      stableCommit: expand,
      stableLabel: 'the expand build',
    });
    expect(late.checked).toEqual(['0003_drop_description.sql']);
    // Uncommitted files are not part of any build: only Git counts.
    write(repo, `${MIGRATIONS_PATH}/0004_drop_table.sql`, 'DROP TABLE payments;\n');
    expect(
      (
        await assertSafeBuild({
          repoDir: repo,
          candidateCommit: git(repo, 'rev-parse', 'HEAD'),
          stableCommit: expand,
          stableLabel: 'the expand build',
        })
      ).violations,
    ).toEqual([]);
  });
});
