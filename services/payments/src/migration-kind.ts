// How the runner must run a migration file, read from PostgreSQL's own parse tree (libpg_query,
// PostgreSQL 15 grammar, WebAssembly) and the file's header:
//   transaction  the default: with the files around it, in one transaction
//   concurrent   a CONCURRENTLY statement (CREATE/DROP INDEX, REINDEX, DETACH PARTITION): it cannot
//                run in a transaction block, so it runs alone, outside one
//   backfill     `-- backfill:` header: one statement that changes one batch, repeated outside the
//                schema transaction until it changes no row
import { parse } from 'libpg-query';

export type MigrationKind =
  | { readonly kind: 'transaction' }
  | { readonly kind: 'concurrent'; readonly statement: string; readonly indexName?: string }
  | { readonly kind: 'backfill'; readonly statement: string; readonly pauseMs: number };

const BACKFILL = /^--\s*backfill:\s*(?:pause_ms=(\d+))?\s*$/m;

export async function classifyMigration(fileName: string, sql: string): Promise<MigrationKind> {
  let tree: { stmts?: { stmt: Record<string, Record<string, unknown>> }[] };
  try {
    tree = (await parse(sql)) as typeof tree;
  } catch (error) {
    throw new MigrationKindError(`${fileName} does not parse as PostgreSQL 15 SQL: ${(error as Error).message}`);
  }
  const stmts = tree.stmts ?? [];
  const backfill = BACKFILL.exec(sql);
  if (backfill) {
    if (stmts.length !== 1)
      throw new MigrationKindError(
        `${fileName} is a backfill but holds ${stmts.length} statements; a backfill is one UPDATE/DELETE of one batch`,
      );
    return { kind: 'backfill', statement: sql, pauseMs: backfill[1] ? Number(backfill[1]) : 0 };
  }
  const concurrent = stmts.filter((s) => hasConcurrently(s.stmt));
  if (concurrent.length === 0) return { kind: 'transaction' };
  if (stmts.length !== 1)
    throw new MigrationKindError(
      `${fileName} mixes a CONCURRENTLY statement with ${stmts.length - 1} other statement(s); put it alone in its own file`,
    );
  const index = concurrent[0]!.stmt.IndexStmt as { idxname?: string } | undefined;
  return { kind: 'concurrent', statement: sql, ...(index?.idxname ? { indexName: index.idxname } : {}) };
}

export class MigrationKindError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationKindError';
  }
}

function hasConcurrently(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasConcurrently);
  if (!value || typeof value !== 'object') return false;
  const node = value as Record<string, unknown>;
  if (node.concurrent === true) return true;
  if (node.defname === 'concurrently') return true;
  return Object.values(node).some(hasConcurrently);
}
