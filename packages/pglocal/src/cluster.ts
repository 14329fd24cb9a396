import { execFile, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './port.ts';

const run = promisify(execFile);

export class PostgresNotInstalledError extends Error {
  constructor() {
    super(
      'PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them with ' +
        '`apt-get install -y postgresql` (Debian/Ubuntu) or set PG_BIN_DIR to their folder, ' +
        'or set DATABASE_URL to an existing database.',
    );
    this.name = 'PostgresNotInstalledError';
  }
}

export interface StartPostgresOptions {
  /** Folder for the cluster's data; created if missing, reused if it already holds a cluster. */
  readonly dataDir: string;
  /** TCP port on 127.0.0.1; a free one is chosen when omitted. */
  readonly port?: number;
  /**
   * Remove the data folder when the cluster stops (tests, benchmarks). An ephemeral cluster is
   * also stopped and removed if this process dies without stopping it (reaper.mjs). Default false.
   */
  readonly ephemeral?: boolean;
  /** Extra `-c name=value` server settings. */
  readonly settings?: Readonly<Record<string, string>>;
}

export interface PostgresCluster {
  readonly port: number;
  readonly dataDir: string;
  readonly binDir: string;
  /** Superuser URL of the `postgres` database. */
  readonly adminUrl: string;
  /** URL of a database on this cluster. */
  url(database: string): string;
  /** Creates a database if it does not exist and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown (`pg_ctl stop -m fast`); removes the data folder when ephemeral. */
  stop(): Promise<void>;
  /** Starts a stopped cluster again on the same port and data folder. */
  restart(): Promise<void>;
  /** Stops the server without removing anything (failure tests). */
  halt(mode?: 'fast' | 'immediate'): Promise<void>;
}

/** Finds the folder holding initdb and pg_ctl: PG_BIN_DIR, then Debian's layout, then PATH. */
export function findPgBinDir(): string {
  const candidates: string[] = [];
  if (process.env.PG_BIN_DIR) candidates.push(process.env.PG_BIN_DIR);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(join(debian, v, 'bin'));
  }
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) candidates.push(dir);
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!found) throw new PostgresNotInstalledError();
  return found;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** The command line of a PostgreSQL binary, as the `postgres` user when we are root (initdb refuses root). */
function pgCommand(binDir: string, tool: string, args: string[]): [string, string[]] {
  const binary = join(binDir, tool);
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
}

async function pgExec(binDir: string, tool: string, args: string[]): Promise<string> {
  const [file, argv] = pgCommand(binDir, tool, args);
  try {
    const { stdout } = await run(file, argv, { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

function postgresUserIds(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const id = (flag: string): number => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

const REAPER = fileURLToPath(new URL('./reaper.mjs', import.meta.url));

/** A detached watcher that stops the cluster and removes its folder once this process is gone. */
function startReaper(binDir: string, dataDir: string): void {
  const stop = pgCommand(binDir, 'pg_ctl', ['-D', dataDir, '-w', '-t', '30', '-m', 'immediate', 'stop']);
  const reaper = spawn(process.execPath, [REAPER, String(process.pid), dataDir, JSON.stringify(stop)], {
    detached: true,
    stdio: 'ignore',
  });
  reaper.unref();
}

export async function startPostgres(options: StartPostgresOptions): Promise<PostgresCluster> {
  const binDir = findPgBinDir();
  const dataDir = resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  const owner = postgresUserIds();

  mkdirSync(dataDir, { recursive: true });
  if (owner) chownSync(dataDir, owner.uid, owner.gid);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await pgExec(binDir, 'initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale']);
    // Loopback only, and short-lived sockets in the data folder so nothing else on the machine collides.
    writeFileSync(
      join(dataDir, 'quickship.conf'),
      [
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dataDir}'`,
        'max_connections = 300',
        'shared_buffers = 128MB',
        "log_min_messages = 'warning'",
        '',
      ].join('\n'),
    );
    await run('sh', ['-c', `echo "include 'quickship.conf'" >> '${join(dataDir, 'postgresql.conf')}'`]);
    if (owner) chownSync(join(dataDir, 'quickship.conf'), owner.uid, owner.gid);
  }

  const settings = Object.entries(options.settings ?? {})
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  const start = async (): Promise<void> => {
    await pgExec(binDir, 'pg_ctl', [
      '-D',
      dataDir,
      '-w',
      '-t',
      '60',
      '-l',
      join(dataDir, 'server.log'),
      '-o',
      `-p ${port} ${settings}`.trim(),
      'start',
    ]);
  };
  const halt = async (mode: 'fast' | 'immediate' = 'fast'): Promise<void> => {
    await pgExec(binDir, 'pg_ctl', ['-D', dataDir, '-w', '-t', '60', '-m', mode, 'stop']).catch((error: Error) => {
      if (!/not running|No such file|does not exist/i.test(error.message)) throw error;
    });
  };

  // A cluster left running by a killed process is stopped first, so the port and options are ours.
  if (existsSync(join(dataDir, 'postmaster.pid'))) await halt('immediate');
  await start();
  if (options.ephemeral) startReaper(binDir, dataDir);

  const url = (database: string): string => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    dataDir,
    binDir,
    adminUrl: url('postgres'),
    url,
    async createDatabase(name: string): Promise<string> {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid database name "${name}": use [a-z0-9_]`);
      await pgExec(binDir, 'createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]).catch(
        (error: Error) => {
          if (!/already exists/.test(error.message)) throw error;
        },
      );
      return url(name);
    },
    async stop(): Promise<void> {
      await halt('fast');
      if (options.ephemeral) rmSync(dataDir, { recursive: true, force: true });
    },
    restart: start,
    halt,
  };
}
