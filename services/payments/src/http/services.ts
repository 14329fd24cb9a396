// What the /v1 routes share, built once by app.ts.
import type pg from 'pg';
import type { GroupCommit } from '../idempotency/group-commit.ts';
import type { Metrics } from './metrics.ts';
import type { Authenticate } from './auth.ts';
import type { FaultInjector } from './faults.ts';

/** Test seams into the request path; production leaves them unset. */
export interface AppHooks {
  /** Runs while an Idempotency-Key is locked and nothing is written yet. */
  readonly afterKeyLocked?: (db: pg.PoolClient) => Promise<void>;
  /** Runs inside capture/cancel/refund transactions after their writes, before COMMIT. */
  readonly beforeCommit?: (db: pg.PoolClient) => Promise<void>;
}

export interface ApiServices {
  readonly pool: pg.Pool;
  /** Payment creates, committed in groups (idempotency/group-commit.ts). */
  readonly creates: GroupCommit;
  readonly clock: () => Date;
  readonly metrics: Metrics;
  readonly authenticate: Authenticate;
  readonly faults: FaultInjector | undefined;
  readonly hooks: AppHooks;
  /** Loaded from the database when the app becomes ready. */
  readonly secrets: { fingerprintKey?: Buffer };
}
