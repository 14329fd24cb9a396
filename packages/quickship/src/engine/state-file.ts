// The engine's persisted facts for one Rollout, so a restarted engine re-adopts what it ran:
// `.quickship/state/rollouts/<name>.json`. Only observed/controller-written facts are kept
// (status, ReplicaSets, the live spec after verbs, the instances' pids and ports); the phase is
// never stored. Written whole to a temp file and renamed, so a crash never leaves half a file.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ControllerStatus, ReplicaSetState, RolloutSpec } from '../model.ts';
import type { PersistedInstance } from '../runtime/instance.ts';

export const STATE_SCHEMA_VERSION = 1;

export interface PersistedRollout {
  readonly schemaVersion: typeof STATE_SCHEMA_VERSION;
  readonly name: string;
  /** When the engine first ran this Rollout (its age in status). */
  readonly createdAt: string;
  /**
   * The live spec: deploy/'s spec with the verbs' changes on top (promote unpauses, undo
   * replaces the template, restart sets restartAt), as the cluster's object differs from Git
   * after a `kubectl argo rollouts` verb until the next sync.
   */
  readonly spec: RolloutSpec;
  /** specFingerprint of the deploy/ spec `spec` derives from: a new one replaces the live spec. */
  readonly base: string;
  readonly status: ControllerStatus;
  readonly replicaSets: readonly ReplicaSetState[];
  readonly instances: readonly PersistedInstance[];
}

export class StateFileError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`engine state ${file} is unreadable (${reason})`);
    this.name = 'StateFileError';
  }
  get fix(): string {
    return `move it away (mv ${this.file} ${this.file}.bak) and start again: the engine then starts the Rollout afresh`;
  }
}

export function rolloutStateFile(stateDir: string, name: string): string {
  return join(stateDir, 'rollouts', `${name}.json`);
}

export function readRolloutState(file: string): PersistedRollout | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: PersistedRollout;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as PersistedRollout;
  } catch (error) {
    throw new StateFileError(file, (error as Error).message);
  }
  if (parsed.schemaVersion !== STATE_SCHEMA_VERSION) throw new StateFileError(file, `schemaVersion ${String(parsed.schemaVersion)}, expected ${STATE_SCHEMA_VERSION}`);
  return parsed;
}

export function writeRolloutState(file: string, state: PersistedRollout): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(state, null, 2) + '\n');
  renameSync(temp, file);
}
