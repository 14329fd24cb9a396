// What the migrations so far have done to the schema, as far as the rules need to know: which
// tables a not-yet-released migration created (changes to those lock nobody), which CHECK
// constraints prove a column NOT NULL and were validated, which constraint is a table's primary
// key. Built statement by statement from the parse trees of every migration, released ones first.
import type { Statement } from './parse.ts';
import { list, names, relationName, unwrap, type Node } from './tree.ts';

interface CheckConstraint {
  readonly table: string;
  /** The column of a `CHECK (col IS NOT NULL)`, if that is what it says. */
  readonly notNullColumn?: string;
  validated: boolean;
  /** The file that added it (VALIDATE in the same file holds the ADD's lock through the scan). */
  readonly fileName: string;
}

export class SchemaFacts {
  /** Tables created by a migration that is not released yet: nothing reads or locks them in production. */
  private readonly newTables = new Set<string>();
  private readonly checks = new Map<string, CheckConstraint>();
  private readonly primaryKeys = new Map<string, string>();

  isNewTable(table: string): boolean {
    return this.newTables.has(table);
  }

  check(name: string): Readonly<CheckConstraint> | undefined {
    return this.checks.get(name);
  }

  /** A validated `CHECK (column IS NOT NULL)` on the table: SET NOT NULL then skips its full scan (PostgreSQL 12+). */
  hasValidatedNotNullCheck(table: string, column: string): boolean {
    for (const check of this.checks.values())
      if (check.table === table && check.notNullColumn === column && check.validated) return true;
    return false;
  }

  isPrimaryKey(table: string, constraint: string): boolean {
    return this.primaryKeys.get(table) === constraint;
  }

  /** Records what the statement did (after the rules looked at it). */
  apply(statement: Statement, fileName: string, released: boolean): void {
    const node = statement.node;
    if (statement.kind === 'CreateStmt') {
      const table = relationName(node.relation);
      if (!released) this.newTables.add(table);
      for (const element of list(node.tableElts)) {
        const [kind, item] = unwrap(element) ?? [];
        if (kind === 'Constraint') this.addConstraint(table, item!, fileName, true);
        if (kind === 'ColumnDef')
          for (const c of list(item!.constraints)) this.addConstraint(table, unwrap(c)![1], fileName, true);
      }
    }
    if (statement.kind === 'AlterTableStmt') {
      const table = relationName(node.relation);
      for (const cmd of list(node.cmds)) {
        const at = unwrap(cmd)?.[1] ?? {};
        const def = unwrap(at.def);
        if (at.subtype === 'AT_AddConstraint' && def?.[0] === 'Constraint')
          this.addConstraint(table, def[1], fileName, def[1].skip_validation !== true);
        if (at.subtype === 'AT_ValidateConstraint') {
          const check = this.checks.get(String(at.name));
          if (check) check.validated = true;
        }
      }
    }
  }

  private addConstraint(table: string, constraint: Node, fileName: string, validated: boolean): void {
    if (constraint.contype === 'CONSTR_PRIMARY')
      this.primaryKeys.set(table, String(constraint.conname ?? `${table.split('.').pop()}_pkey`));
    if (constraint.contype === 'CONSTR_CHECK' && constraint.conname) {
      this.checks.set(String(constraint.conname), {
        table,
        notNullColumn: notNullColumn(constraint.raw_expr),
        validated,
        fileName,
      });
    }
  }
}

/** `col IS NOT NULL` → "col". */
function notNullColumn(expr: unknown): string | undefined {
  const [kind, test] = unwrap(expr) ?? [];
  if (kind !== 'NullTest' || test?.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const [argKind, arg] = unwrap(test.arg) ?? [];
  if (argKind !== 'ColumnRef') return undefined;
  const fields = names(arg!.fields);
  return fields.length === 1 ? fields[0] : undefined;
}
