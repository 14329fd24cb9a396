// A scratch copy of the live database — its schema and a sample of rows — made while the live one
// serves: `CREATE DATABASE … TEMPLATE live` needs the template to have no other connection, so
// instead the scratch database is created empty (from template0) on the same server and filled:
//   1. the schema's pre-data section (types, tables, functions): `pg_dump --schema-only
//      --section=pre-data | psql` (pg_dump reads a consistent snapshot, takes only ACCESS SHARE locks)
//   2. up to `sampleRows` rows per table (every row of schema_migrations), read and written as JSON
//      through SQL, identity values kept; then rows whose foreign key has no parent in the sample
//      are deleted and the identity sequences moved past the copied values
//   3. the post-data section (indexes, constraints, foreign keys, triggers)
// The role needs CREATEDB. In the cluster (distroless image, no pg_dump) the same check runs as a
// PreSync Job against a temporary database on the same RDS instance: see ../README.md.
import { UserError } from '../../errors.ts';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

export interface ScratchDatabase {
  readonly url: string;
  readonly name: string;
  /** Drops it (closing whatever is still connected). */
  drop(): Promise<void>;
}

export class ScratchCopyError extends UserError {
  override readonly fix = 'the role needs CREATEDB and pg_dump/psql of the server major version (PG_BIN_DIR)';
  constructor(message: string) {
    super(message);
    this.name = 'ScratchCopyError';
  }
}

function withDatabase(url: string, database: string): string {
  const next = new URL(url);
  next.pathname = `/${database}`;
  return next.href;
}

async function withClient<T>(url: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'quickship-compat' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `pg_dump … | psql` of one section; psql stops at the first error. */
async function copySection(binDir: string, liveUrl: string, scratchUrl: string, section: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const dump = spawn(
      join(binDir, 'pg_dump'),
      ['--schema-only', `--section=${section}`, '--no-owner', '--no-privileges', '--dbname', liveUrl],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const load = spawn(
      join(binDir, 'psql'),
      ['--quiet', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '--dbname', scratchUrl],
      {
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    let errors = '';
    dump.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    load.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    dump.stdout.pipe(load.stdin);
    let exits = 0;
    const codes: (number | null)[] = [];
    const done = (code: number | null): void => {
      codes.push(code);
      if (++exits < 2) return;
      if (codes.every((c) => c === 0)) resolve();
      else reject(new ScratchCopyError(`copying the ${section} schema failed: ${errors.trim().slice(-2000)}`));
    };
    dump.on('error', (error) => reject(new ScratchCopyError(`pg_dump: ${error.message}`)));
    load.on('error', (error) => reject(new ScratchCopyError(`psql: ${error.message}`)));
    dump.on('close', done);
    load.on('close', done);
  });
}

interface TableInfo {
  readonly name: string;
  readonly columns: string[];
}

async function userTables(client: pg.Client): Promise<TableInfo[]> {
  const { rows } = await client.query<{ name: string; columns: string[] }>(`
    SELECT format('%I.%I', n.nspname, c.relname) AS name,
           array_agg(quote_ident(a.attname) ORDER BY a.attnum) AS columns
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
     WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
       AND NOT c.relispartition
     GROUP BY n.nspname, c.relname`);
  return rows;
}

async function copySample(liveUrl: string, scratchUrl: string, sampleRows: number): Promise<number> {
  return withClient(liveUrl, (live) =>
    withClient(scratchUrl, async (scratch) => {
      let copied = 0;
      for (const table of await userTables(live)) {
        const cols = table.columns.join(', ');
        const limit = table.name.endsWith('schema_migrations') ? 'ALL' : String(Math.trunc(sampleRows));
        const { rows } = await live.query<{ rows: unknown }>(
          `SELECT coalesce(jsonb_agg(to_jsonb(s)), '[]') AS rows FROM (SELECT ${cols} FROM ${table.name} LIMIT ${limit}) s`,
        );
        const result = await scratch.query(
          `INSERT INTO ${table.name} (${cols}) OVERRIDING SYSTEM VALUE
             SELECT ${cols} FROM jsonb_populate_recordset(NULL::${table.name}, $1::jsonb)`,
          [JSON.stringify(rows[0]?.rows ?? [])],
        );
        copied += result.rowCount ?? 0;
      }
      await deleteOrphans(live, scratch);
      await moveSequences(scratch);
      return copied;
    }),
  );
}

/** A sample of a child table may reference parents outside the parents' sample: drop those rows. */
async function deleteOrphans(live: pg.Client, scratch: pg.Client): Promise<void> {
  const { rows } = await live.query<{ child: string; parent: string; pairs: string[] }>(`
    SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent,
           array_agg(format('p.%I = c.%I', pa.attname, ca.attname)) AS pairs
      FROM pg_constraint k
      CROSS JOIN LATERAL unnest(k.conkey, k.confkey) AS u(ck, pk)
      JOIN pg_attribute ca ON ca.attrelid = k.conrelid AND ca.attnum = u.ck
      JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = u.pk
     WHERE k.contype = 'f'
     GROUP BY k.oid, conrelid, confrelid`);
  // Repeat until stable: deleting a parent row can orphan a grandchild.
  for (let pass = 0; pass < 10; pass++) {
    let deleted = 0;
    for (const fk of rows) {
      const result = await scratch.query(
        `DELETE FROM ${fk.child} c WHERE NOT EXISTS (SELECT 1 FROM ${fk.parent} p WHERE ${fk.pairs.join(' AND ')})`,
      );
      deleted += result.rowCount ?? 0;
    }
    if (deleted === 0) return;
  }
}

async function moveSequences(scratch: pg.Client): Promise<void> {
  const { rows } = await scratch.query<{ seq: string; tbl: string; col: string }>(`
    SELECT pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) AS seq,
           format('%I.%I', n.nspname, c.relname) AS tbl, quote_ident(a.attname) AS col
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind = 'r'
       AND n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) IS NOT NULL`);
  for (const row of rows)
    await scratch.query(
      `SELECT setval($1::regclass, max(${row.col})) FROM ${row.tbl} HAVING max(${row.col}) IS NOT NULL`,
      [row.seq],
    );
}

/** Creates the scratch database next to the live one and copies schema and sample into it. */
export async function createScratchCopy(
  liveUrl: string,
  options: { readonly pgBinDir: string; readonly sampleRows?: number },
): Promise<ScratchDatabase & { readonly rowsCopied: number }> {
  const liveName = decodeURIComponent(new URL(liveUrl).pathname.slice(1)) || 'postgres';
  const name = `${liveName.slice(0, 30)}_compat_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(liveUrl, name);
  await withClient(liveUrl, async (client) => {
    try {
      await client.query(`CREATE DATABASE ${pgIdent(name)} TEMPLATE template0`);
    } catch (error) {
      throw new ScratchCopyError(`CREATE DATABASE ${name} failed: ${(error as Error).message}`);
    }
  });
  const drop = (): Promise<void> =>
    withClient(liveUrl, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${pgIdent(name)} WITH (FORCE)`);
    });
  try {
    await checkTool(options.pgBinDir, 'pg_dump');
    await copySection(options.pgBinDir, liveUrl, url, 'pre-data');
    const rowsCopied = await copySample(liveUrl, url, options.sampleRows ?? 1000);
    await copySection(options.pgBinDir, liveUrl, url, 'post-data');
    return { url, name, drop, rowsCopied };
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
}

async function checkTool(binDir: string, tool: string): Promise<void> {
  try {
    await execFileAsync(join(binDir, tool), ['--version']);
  } catch {
    throw new ScratchCopyError(`${join(binDir, tool)} is not runnable`);
  }
}

function pgIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
