// PostgreSQL's own parser (libpg_query, PostgreSQL 15 grammar, compiled to WebAssembly: the
// `libpg-query@15` npm package, no native binary to download) turning a migration file into its
// statements, each with the line it starts on and its text. No regular expression reads SQL here.
import { UserError } from '../errors.ts';
import { parseWithCache } from './parse-cache.ts';

/** One statement of a migration file: its parse node, where it starts, and its text. */
export interface Statement {
  /** The node's kind as libpg_query names it (PostgreSQL's parse node: `AlterTableStmt`, `IndexStmt`, …). */
  readonly kind: string;
  /** The parse node (libpg_query's JSON of PostgreSQL's parse tree). */
  readonly node: Readonly<Record<string, unknown>>;
  /** 1-based line of the statement's first token. */
  readonly line: number;
  /** The statement's text, comments before it left out. */
  readonly text: string;
}

export interface MigrationFile {
  readonly fileName: string;
  readonly sql: string;
  readonly statements: readonly Statement[];
}

/** The file is not valid PostgreSQL 15 SQL: the message names the file, line and the parser's reason. */
export class MigrationSyntaxError extends UserError {
  override readonly fix = 'correct the SQL (it must parse with PostgreSQL 15) and lint again';
  constructor(
    readonly fileName: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${fileName}:${line}: does not parse as PostgreSQL 15 SQL: ${reason}`);
    this.name = 'MigrationSyntaxError';
  }
}

interface RawStmt {
  stmt: Record<string, Record<string, unknown>>;
  stmt_location?: number;
  stmt_len?: number;
}

export async function parseMigration(fileName: string, sql: string): Promise<MigrationFile> {
  let tree: { stmts?: RawStmt[] };
  try {
    tree = (await parseWithCache(sql)) as { stmts?: RawStmt[] };
  } catch (error) {
    const position = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition ?? 0;
    throw new MigrationSyntaxError(fileName, lineAt(sql, position), (error as Error).message);
  }
  return { fileName, sql, statements: splitStatements(sql, tree.stmts ?? []) };
}

/** libpg_query's locations are byte offsets into the UTF-8 text; a statement's location includes the comments before it. */
export function splitStatements(sql: string, stmts: readonly RawStmt[]): Statement[] {
  const bytes = Buffer.from(sql, 'utf8');
  return stmts.map((raw) => {
    const start = raw.stmt_location ?? 0;
    const end = raw.stmt_len ? start + raw.stmt_len : bytes.length;
    const chunk = bytes.subarray(start, end).toString('utf8');
    const lead = leadingTrivia(chunk);
    const before = bytes.subarray(0, start).toString('utf8') + chunk.slice(0, lead);
    const [kind, node] = Object.entries(raw.stmt)[0] ?? ['Unknown', {}];
    return { kind, node, line: before.split('\n').length, text: chunk.slice(lead).trim() };
  });
}

/** Length of the whitespace and comments (`-- …`, `/* … *\/`) at the start of a statement's text. */
function leadingTrivia(text: string): number {
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('--', i)) {
      const newline = text.indexOf('\n', i);
      i = newline < 0 ? text.length : newline + 1;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else return i;
  }
}

function lineAt(sql: string, bytePosition: number): number {
  const before = Buffer.from(sql, 'utf8')
    .subarray(0, Math.max(0, bytePosition - 1))
    .toString('utf8');
  return before.split('\n').length;
}
