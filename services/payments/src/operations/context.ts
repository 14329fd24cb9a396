// What every operation needs besides its parameters: who is asking, the time, the keyed-HMAC
// secret, and callbacks for what happened (metrics) once it is committed.
import type pg from 'pg';
import type { PaymentStatus } from '../domain/payment.ts';

export interface OperationContext {
  readonly merchantId: string;
  readonly now: Date;
  readonly fingerprintKey: Buffer;
  readonly onPaymentCreated?: (status: PaymentStatus) => void;
  readonly onRefundCreated?: () => void;
  /** Test seam: runs inside a transaction after its writes, before COMMIT. */
  readonly beforeCommit?: (db: pg.PoolClient) => Promise<void>;
}
