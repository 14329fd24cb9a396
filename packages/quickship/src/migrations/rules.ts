// The rules: one row per unsafe step, after squawk (https://squawkhq.com/docs/rules) and
// strong_migrations (https://github.com/ankane/strong_migrations#checks), kept to those that apply
// to PostgreSQL 15 and to blue/green, where the stable revision keeps serving from the same
// database while the new one's migrations run. Each row says what it refuses, the risk, and the
// expand/contract way to get the same result. Pure: a statement and the facts so far in, findings out.
import type { MigrationMarkers } from './markers.ts';
import type { MigrationFile, Statement } from './parse.ts';
import type { SchemaFacts } from './schema-facts.ts';
import { isConcurrent, list, names, relationName, unwrap, walk, type Node } from './tree.ts';

export interface RuleContext {
  readonly file: MigrationFile;
  readonly markers: MigrationMarkers;
  readonly facts: SchemaFacts;
  /** Set when the file claims `-- contract_of:` and Git confirmed the expand is in the stable release. */
  readonly contractVerified: boolean;
}

export interface Finding {
  readonly risk: string;
  readonly instead: string;
}

export interface Rule {
  /** Stable id, shown in messages; squawk's or strong_migrations' name where one exists. */
  readonly id: string;
  check(statement: Statement, context: RuleContext): readonly Finding[];
}

/** The ALTER TABLE subcommands of a statement on an existing (released or unknown) table. */
function alterCommands(statement: Statement, context: RuleContext): { table: string; cmd: Node }[] {
  if (statement.kind !== 'AlterTableStmt' || statement.node.objtype !== 'OBJECT_TABLE') return [];
  const table = relationName(statement.node.relation);
  if (context.facts.isNewTable(table)) return [];
  return list(statement.node.cmds).map((cmd) => ({ table, cmd: unwrap(cmd)?.[1] ?? {} }));
}

function constraintOf(cmd: Node): Node | undefined {
  const def = unwrap(cmd.def);
  return def?.[0] === 'Constraint' ? def[1] : undefined;
}

/** Functions whose value differs per row (pg_proc.provolatile = 'v'): as a default they force a table rewrite. */
const VOLATILE_FUNCTIONS = new Set([
  'random',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v4',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'txid_current',
  'random_normal',
]);
const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);

function when<T>(condition: boolean, value: T): T[] {
  return condition ? [value] : [];
}

const CONTRACT_HINT =
  'drop it only in a contract migration: once no revision reads it, a later release with `-- contract_of: <the expand file>` whose expand is in the stable release';

export const RULES: readonly Rule[] = [
  {
    id: 'ban-drop-table',
    check: (s, ctx) =>
      when(
        s.kind === 'DropStmt' &&
          s.node.removeType === 'OBJECT_TABLE' &&
          !ctx.contractVerified &&
          list(s.node.objects).some((o) => !ctx.facts.isNewTable(names(unwrap(o)?.[1]?.items ?? o).join('.'))),
        {
          risk: 'the stable revision still reads and writes this table: its requests fail the moment the migration commits',
          instead: `stop using the table in one release, then ${CONTRACT_HINT}`,
        },
      ),
  },
  {
    id: 'ban-drop-column',
    check: (s, ctx) =>
      alterCommands(s, ctx)
        .filter(({ cmd }) => cmd.subtype === 'AT_DropColumn' && !ctx.contractVerified)
        .map(({ table, cmd }) => ({
          risk: `the stable revision still selects or inserts ${table}.${String(cmd.name)}: its queries fail once the column is gone`,
          instead: `expand/contract: ship code that no longer reads or writes the column, then ${CONTRACT_HINT}`,
        })),
  },
  {
    id: 'renaming-table',
    check: (s, ctx) =>
      when(
        s.kind === 'RenameStmt' &&
          s.node.renameType === 'OBJECT_TABLE' &&
          !ctx.facts.isNewTable(relationName(s.node.relation)),
        {
          risk: 'the stable revision still uses the old name: every query it sends fails with "relation does not exist"',
          instead:
            'expand/contract: create the new table, write both and backfill, switch reads in a release, drop the old one in a contract migration (or keep a view under the old name)',
        },
      ),
  },
  {
    id: 'renaming-column',
    check: (s, ctx) =>
      when(
        s.kind === 'RenameStmt' &&
          s.node.renameType === 'OBJECT_COLUMN' &&
          !ctx.facts.isNewTable(relationName(s.node.relation)),
        {
          risk: `the stable revision still uses "${String(s.node.subname)}": its queries fail once the column is renamed`,
          instead:
            'expand/contract: add the new column (nullable), write both, backfill in batches (`-- backfill:`), read the new one, drop the old one in a contract migration',
        },
      ),
  },
  {
    id: 'changing-column-type',
    check: (s, ctx) =>
      alterCommands(s, ctx)
        .filter(({ cmd }) => cmd.subtype === 'AT_AlterColumnType')
        .map(({ table, cmd }) => ({
          risk: `rewrites ${table} (and its indexes) under an ACCESS EXCLUSIVE lock, and the stable revision may not read the new type of "${String(cmd.name)}"`,
          instead:
            'add a new column of the new type, write both, backfill in batches, switch reads, drop the old column in a contract migration',
        })),
  },
  {
    id: 'adding-not-nullable-field',
    check: (s, ctx) =>
      alterCommands(s, ctx)
        .filter(
          ({ table, cmd }) =>
            cmd.subtype === 'AT_SetNotNull' && !ctx.facts.hasValidatedNotNullCheck(table, String(cmd.name)),
        )
        .map(({ table, cmd }) => ({
          risk: `SET NOT NULL scans all of ${table} under an ACCESS EXCLUSIVE lock: every request touching the table waits`,
          instead: `ADD CONSTRAINT ${String(cmd.name)}_not_null CHECK (${String(cmd.name)} IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT it in a later file; then SET NOT NULL (PostgreSQL uses the validated CHECK and skips the scan)`,
        })),
  },
  {
    id: 'adding-required-field',
    check: (s, ctx) =>
      alterCommands(s, ctx)
        .filter(({ cmd }) => cmd.subtype === 'AT_AddColumn')
        .flatMap(({ table, cmd }) => {
          const column = unwrap(cmd.def)?.[1] ?? {};
          const kinds = list(column.constraints).map((c) => unwrap(c)?.[1]?.contype);
          return when(kinds.includes('CONSTR_NOTNULL') && !kinds.includes('CONSTR_DEFAULT'), {
            risk: `the stable revision inserts into ${table} without "${String(column.colname)}": every insert fails the NOT NULL (and the ALTER fails on a table with rows)`,
            instead:
              'add the column nullable (or NOT NULL with a constant DEFAULT), backfill, then add NOT NULL the safe way',
          });
        }),
  },
  {
    id: 'adding-field-with-volatile-default',
    check: (s, ctx) =>
      alterCommands(s, ctx)
        .filter(({ cmd }) => cmd.subtype === 'AT_AddColumn')
        .flatMap(({ table, cmd }) => {
          const column = unwrap(cmd.def)?.[1] ?? {};
          const type = names((column.typeName as Node | undefined)?.names).pop() ?? '';
          const constraints = list(column.constraints).map((c) => unwrap(c)?.[1] ?? {});
          const volatile = constraints.some(
            (c) =>
              (c.contype === 'CONSTR_DEFAULT' &&
                [...walk(c.raw_expr)].some(
                  ([kind, n]) => kind === 'FuncCall' && VOLATILE_FUNCTIONS.has(names(n.funcname).pop() ?? ''),
                )) ||
              c.contype === 'CONSTR_GENERATED' ||
              c.contype === 'CONSTR_IDENTITY',
          );
          return when(volatile || SERIAL_TYPES.has(type), {
            risk: `a volatile default (or a serial, identity or stored generated column) rewrites all of ${table} under an ACCESS EXCLUSIVE lock`,
            instead:
              'add the column without a default (or with a constant one), set the default in a second statement (new rows only), backfill existing rows in batches (`-- backfill:`)',
          });
        }),
  },
  {
    id: 'require-concurrent-index-creation',
    check: (s, ctx) =>
      when(
        s.kind === 'IndexStmt' && s.node.concurrent !== true && !ctx.facts.isNewTable(relationName(s.node.relation)),
        {
          risk: `CREATE INDEX blocks every write to ${relationName(s.node.relation)} (SHARE lock) for the whole build`,
          instead: 'CREATE INDEX CONCURRENTLY, alone in its own migration file (it cannot run in a transaction)',
        },
      ),
  },
  {
    id: 'require-concurrent-index-deletion',
    check: (s) =>
      when(s.kind === 'DropStmt' && s.node.removeType === 'OBJECT_INDEX' && s.node.concurrent !== true, {
        risk: "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table: reads and writes wait behind it",
        instead: 'DROP INDEX CONCURRENTLY, alone in its own migration file',
      }),
  },
  {
    id: 'constraint-missing-not-valid',
    check: (s, ctx) => [
      ...alterCommands(s, ctx)
        .filter(({ cmd }) => {
          const c = constraintOf(cmd);
          return (
            cmd.subtype === 'AT_AddConstraint' &&
            (c?.contype === 'CONSTR_FOREIGN' || c?.contype === 'CONSTR_CHECK') &&
            c.skip_validation !== true
          );
        })
        .map(({ table }) => ({
          risk: `validating the constraint scans all of ${table} while holding its lock (and, for a foreign key, the referenced table's)`,
          instead:
            'ADD CONSTRAINT … NOT VALID (instant; new rows are checked), then VALIDATE CONSTRAINT in a later migration file',
        })),
      ...alterCommands(s, ctx)
        .filter(({ cmd }) => cmd.subtype === 'AT_AddColumn')
        .filter(({ cmd }) =>
          list((unwrap(cmd.def)?.[1] ?? {}).constraints).some((c) => unwrap(c)?.[1]?.contype === 'CONSTR_FOREIGN'),
        )
        .map(({ table }) => ({
          risk: `a REFERENCES clause on a new column of ${table} locks the referenced table (SHARE ROW EXCLUSIVE) while validating`,
          instead:
            'add the column without REFERENCES, then ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT in a later file',
        })),
    ],
  },
  {
    id: 'validate-constraint-in-same-file',
    check: (s, ctx) =>
      alterCommands(s, ctx)
        .filter(
          ({ cmd }) =>
            cmd.subtype === 'AT_ValidateConstraint' &&
            ctx.facts.check(String(cmd.name))?.fileName === ctx.file.fileName,
        )
        .map(({ cmd }) => ({
          risk: `VALIDATE in the file that added "${String(cmd.name)}" runs in the same transaction, which still holds the ADD's lock through the whole scan`,
          instead:
            'move VALIDATE CONSTRAINT to a later migration file (it then takes only a SHARE UPDATE EXCLUSIVE lock)',
        })),
  },
  {
    id: 'disallowed-unique-constraint',
    check: (s, ctx) =>
      alterCommands(s, ctx)
        .filter(({ cmd }) => constraintOf(cmd)?.contype === 'CONSTR_UNIQUE' && !constraintOf(cmd)?.indexname)
        .map(({ table }) => ({
          risk: `ADD UNIQUE builds its index under an ACCESS EXCLUSIVE lock on ${table}: reads and writes wait for the whole build`,
          instead:
            'CREATE UNIQUE INDEX CONCURRENTLY in its own file, then ADD CONSTRAINT … UNIQUE USING INDEX <that index> in a later file',
        })),
  },
  {
    id: 'changing-primary-key',
    check: (s, ctx) => [
      ...alterCommands(s, ctx)
        .filter(({ cmd }) => constraintOf(cmd)?.contype === 'CONSTR_PRIMARY')
        .map(({ table }) => ({
          risk: `changing the primary key of ${table} rebuilds its index under an ACCESS EXCLUSIVE lock, and the stable revision's upserts and lookups assume the old key`,
          instead:
            'keep the primary key; add a UNIQUE index CONCURRENTLY on the new key and move code to it over releases (a key change needs a new table and a planned cutover)',
        })),
      ...alterCommands(s, ctx)
        .filter(
          ({ table, cmd }) => cmd.subtype === 'AT_DropConstraint' && ctx.facts.isPrimaryKey(table, String(cmd.name)),
        )
        .map(({ table }) => ({
          risk: `dropping the primary key of ${table} breaks the stable revision's ON CONFLICT and lookups, and re-adding one locks the table`,
          instead:
            'keep the primary key; add a UNIQUE index CONCURRENTLY on the new key and move code to it over releases',
        })),
    ],
  },
  {
    id: 'ban-vacuum-full',
    check: (s) =>
      when(s.kind === 'VacuumStmt' && list(s.node.options).some((o) => unwrap(o)?.[1]?.defname === 'full'), {
        risk: 'VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock: nothing reads or writes it until done',
        instead: 'let autovacuum work, or use pg_repack (online) outside a migration',
      }),
  },
  {
    id: 'ban-cluster',
    check: (s) =>
      when(s.kind === 'ClusterStmt', {
        risk: 'CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock: nothing reads or writes it until done',
        instead: 'use pg_repack --order-by (online) outside a migration, or an index that serves the order',
      }),
  },
  {
    id: 'ban-lock-table',
    check: (s) =>
      when(s.kind === 'LockStmt', {
        risk: 'an explicit LOCK TABLE blocks the stable revision for as long as the migration runs',
        instead:
          'let each statement take the lock it needs (with the runner lock_timeout), and split the work into small steps',
      }),
  },
  {
    id: 'concurrently-not-alone',
    check: (s, ctx) =>
      when(isConcurrent(s.kind, s.node) && ctx.file.statements.length > 1, {
        risk: 'a CONCURRENTLY statement cannot run inside a transaction, and the runner runs such a file outside one: the other statements would lose their atomicity',
        instead: 'put the CONCURRENTLY statement alone in its own migration file',
      }),
  },
  {
    id: 'transaction-control',
    check: (s) =>
      when(s.kind === 'TransactionStmt', {
        risk: 'the runner owns the transaction (and its lock_timeout/statement_timeout): BEGIN/COMMIT in a file break the advisory-locked, all-or-nothing apply',
        instead:
          'remove BEGIN/COMMIT; a file that must run outside a transaction holds one CONCURRENTLY statement or is a `-- backfill:` file',
      }),
  },
  {
    id: 'unbatched-backfill',
    check: (s, ctx) =>
      when(
        (s.kind === 'UpdateStmt' || s.kind === 'DeleteStmt') &&
          !ctx.markers.backfill &&
          !ctx.facts.isNewTable(relationName(s.node.relation)),
        {
          risk: `one ${s.kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE'} over ${relationName(s.node.relation)} locks every row it touches until the schema transaction commits: the stable revision's writes to them wait`,
          instead:
            'move it to its own `-- backfill:` file: one statement that changes one batch (a LIMIT in its WHERE), repeated by the runner outside the schema transaction until it changes no row',
        },
      ),
  },
  {
    id: 'backfill-format',
    check: (s, ctx) => {
      if (!ctx.markers.backfill) return [];
      const dml = s.kind === 'UpdateStmt' || s.kind === 'DeleteStmt';
      const batched = dml && [...walk(s.node.whereClause)].some(([kind, n]) => kind === 'SelectStmt' && n.limitCount);
      return when(!dml || !batched || ctx.file.statements.length !== 1, {
        risk: 'a backfill file is run again and again until it changes no row: anything but one UPDATE/DELETE with a LIMIT-ed subquery in its WHERE either never ends or is one long transaction',
        instead:
          'one statement, e.g. UPDATE payments SET x = y WHERE id IN (SELECT id FROM payments WHERE x IS NULL LIMIT 1000)',
      });
    },
  },
];
