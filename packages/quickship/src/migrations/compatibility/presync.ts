// The engine's PreSync call: the compatibility check, skipped when the candidate brings no
// migration the stable build does not already have (then the schema does not change).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMigrationsOnly } from '../../engine/migrations.ts';
import type { ResolvedImage } from '../../runtime/registry.ts';
import { MIGRATIONS_PATH } from '../released.ts';
import { checkSchemaCompatibility, type SchemaCompatibilityReport } from './check.ts';

function migrationFiles(image: ResolvedImage): Map<string, string> {
  const dir = join(image.rootfs, MIGRATIONS_PATH);
  if (!existsSync(dir)) return new Map();
  return new Map(
    readdirSync(dir)
      .filter((name) => name.endsWith('.sql'))
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );
}

/** Only the migration files the stable build does not have (or has with other content). */
export function newMigrations(stable: ResolvedImage, candidate: ResolvedImage): string[] {
  const old = migrationFiles(stable);
  return [...migrationFiles(candidate)].filter(([name, sql]) => old.get(name) !== sql).map(([name]) => name);
}

export async function checkBeforeMigrating(
  stable: ResolvedImage,
  candidate: ResolvedImage,
  databaseUrl: string,
): Promise<SchemaCompatibilityReport | undefined> {
  if (stable.manifest.commit === candidate.manifest.commit || newMigrations(stable, candidate).length === 0)
    return undefined;
  return checkSchemaCompatibility({ stable, candidate, databaseUrl, migrate: runMigrationsOnly });
}
