// Which database schema versions this build can serve, and why not when it cannot.
//
// The rule (blue/green runs two releases against one database): every migration must work with
// the code of the release before it (expand/contract). A migration that breaks that rule — a
// "contract" step such as dropping a column the previous code still reads — says so in its header
// `-- min_code_version: N`: code older than N must not serve it. By default a migration's
// min_code_version is its own version minus one (the previous release's code keeps working).
// So this build (which knows migrations up to CODE_SCHEMA_VERSION) serves a database when
//   1. every migration it needs is applied (schema version >= CODE_SCHEMA_VERSION), and
//   2. no applied migration demands newer code (max(min_code_version) <= CODE_SCHEMA_VERSION).
// /readyz checks both, so a release whose schema is not ready never takes traffic, and the
// previous release keeps serving after the next one migrated (rollback stays possible).

/** The highest migration shipped with this build (services/payments/migrations). A test keeps it in step. */
export const CODE_SCHEMA_VERSION = 1;

/** What the database reports: max(version) and max(min_code_version) of schema_migrations. */
export interface SchemaState {
  readonly version: number;
  readonly minCodeVersion: number;
}

export type SchemaSupport = { readonly supported: true } | { readonly supported: false; readonly reason: string };

export function schemaSupport(
  state: SchemaState | undefined,
  codeVersion: number = CODE_SCHEMA_VERSION,
): SchemaSupport {
  if (state === undefined) {
    return { supported: false, reason: 'the database has no schema: run `npm run migrate` (the migration job) first' };
  }
  if (state.version < codeVersion) {
    return {
      supported: false,
      reason: `the database schema is at version ${state.version} but this build needs ${codeVersion}: run the migrations of this release`,
    };
  }
  if (state.minCodeVersion > codeVersion) {
    return {
      supported: false,
      reason: `the database schema (version ${state.version}) requires code built for schema ${state.minCodeVersion} or newer; this build knows ${codeVersion}`,
    };
  }
  return { supported: true };
}
