export { parseMigration, MigrationSyntaxError, type MigrationFile, type Statement } from './parse.ts';
export { lintMigrations, formatViolation, type MigrationViolation, type ReleasedMigrations } from './lint.ts';
export { RULES, type Rule } from './rules.ts';
export { readMarkers, type MigrationMarkers } from './markers.ts';
export {
  checkMigrations,
  assertSafeMigrations,
  assertSafeBuild,
  UnsafeMigrationError,
  type MigrationCheck,
} from './check.ts';
export { readReleasedMigrations, findReleaseCommit, MIGRATIONS_PATH } from './released.ts';
