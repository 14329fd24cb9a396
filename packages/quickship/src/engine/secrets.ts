// The local secret store: what ExternalSecret + AWS Secrets Manager provide in a cluster.
// - `.quickship/secrets.json` ({"<secret>": {"<key>": "<value>"}}) for any secretKeyRef;
// - DATABASE_URL → the engine's private PostgreSQL;
// - PAYMENTS_API_KEYS → passed through from the environment, else a dev key generated once
//   and kept in the state folder so it survives restarts (printed by `quickship up`).
import { UserError } from '../errors.ts';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KeyValues } from './env.ts';

export class InvalidSecretsFileError extends UserError {
  override readonly code = 'Invalid';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'InvalidSecretsFileError';
  }
  override readonly fix = 'write it as {"<secret name>": {"<key>": "<string value>"}}';
}

export function readSecretsFile(file: string): Map<string, KeyValues> {
  const secrets = new Map<string, KeyValues>();
  if (!existsSync(file)) return secrets;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidSecretsFileError(file, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidSecretsFileError(file, 'the top level must be an object');
  for (const [name, data] of Object.entries(parsed)) {
    if (typeof data !== 'object' || data === null || Object.values(data).some((v) => typeof v !== 'string')) {
      throw new InvalidSecretsFileError(file, `secret "${name}" must map keys to strings`);
    }
    secrets.set(name, data as KeyValues);
  }
  return secrets;
}

export interface ApiKeys {
  /** `merchant:key[,merchant:key…]` as PAYMENTS_API_KEYS expects. */
  readonly value: string;
  readonly source: 'environment' | 'generated';
}

export function apiKeys(stateDir: string, env: NodeJS.ProcessEnv = process.env): ApiKeys {
  if (env.PAYMENTS_API_KEYS) return { value: env.PAYMENTS_API_KEYS, source: 'environment' };
  const file = join(stateDir, 'dev-api-keys');
  if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim(), source: 'generated' };
  const value = `dev:sk_test_${randomBytes(18).toString('base64url')}`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, value + '\n', { mode: 0o600 });
  return { value, source: 'generated' };
}

/** The bearer token of the first `merchant:key` pair, for examples and load tests. */
export function firstApiKey(keys: string): string {
  const first = keys.split(',')[0] ?? '';
  return first.slice(first.indexOf(':') + 1);
}
