// The header comments a migration file may carry (comments, so PostgreSQL ignores them; read here
// line by line, never from SQL):
//
//   -- contract_of: 0002_add_payer_email.sql   this file is the contract step of that expand: it may
//                                              drop what the expand replaced, once the expand shipped
//                                              in the stable release (checked against Git)
//   -- backfill:                               a batched data change, run by the runner batch after
//                                              batch outside the schema transaction (see README)
//   -- backfill: pause_ms=50                   … with a pause between batches (default 0)
export interface MigrationMarkers {
  /** The expand migration this file completes (`-- contract_of: NNNN_name.sql`). */
  readonly contractOf?: string;
  /** Present when the file is a batched backfill. */
  readonly backfill?: { readonly pauseMs: number };
}

const CONTRACT_OF = /^--\s*contract_of:\s*(\S+)\s*$/m;
const BACKFILL = /^--\s*backfill:\s*(?:pause_ms=(\d+))?\s*$/m;

export function readMarkers(sql: string): MigrationMarkers {
  const contract = CONTRACT_OF.exec(sql);
  const backfill = BACKFILL.exec(sql);
  return {
    ...(contract ? { contractOf: contract[1]!.replace(/\.sql$/, '') + '.sql' } : {}),
    ...(backfill ? { backfill: { pauseMs: backfill[1] ? Number(backfill[1]) : 0 } } : {}),
  };
}
