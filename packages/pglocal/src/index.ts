// A private PostgreSQL cluster from the server binaries on this machine (initdb/pg_ctl), on a
// free loopback port. Used by tests, `npm start`, the local engine and the benchmarks.
// As root, initdb refuses to run, so every server binary runs as the `postgres` user.
export { startPostgres, findPgBinDir, PostgresNotInstalledError } from './cluster.ts';
export type { PostgresCluster, StartPostgresOptions } from './cluster.ts';
export { freePort } from './port.ts';
