// The "no payment lost, none duplicated" check, pure. Input: what the client saw (which keys got
// a 2xx, with which payment id) and what the server holds (every stored payment with the key it
// was created under). The stored side can come from the API listing or from a database query.

/** A stored payment and the Idempotency-Key it was created with (null when it has none). */
export interface StoredPayment {
  readonly id: string;
  readonly idempotencyKey: string | null;
}

export interface LedgerInput {
  /** Keys that got a 2xx, and the payment id in that 2xx body. */
  readonly succeeded: ReadonlyMap<string, string>;
  /** Every key the client used (succeeded or not). */
  readonly attemptedKeys: ReadonlySet<string>;
  readonly stored: readonly StoredPayment[];
  /** Ignore stored payments whose key this run did not use (a shared merchant). Default false. */
  readonly allowForeign?: boolean;
}

export interface LedgerCheck {
  readonly ok: boolean;
  readonly succeededKeys: number;
  readonly storedPayments: number;
  /** Keys acknowledged with a 2xx that have no stored payment: a lost payment. */
  readonly missing: readonly string[];
  /** Keys with more than one stored payment: a double charge. */
  readonly duplicated: readonly { readonly key: string; readonly ids: readonly string[] }[];
  /** Keys whose stored payment is not the one the 2xx returned. */
  readonly mismatched: readonly { readonly key: string; readonly acknowledged: string; readonly stored: string }[];
  /** Stored payments with no key, or a key this run never sent. */
  readonly foreign: readonly string[];
  /** Keys that never got a 2xx but whose payment exists (the answer was lost; a retry will replay it). */
  readonly unacknowledged: readonly string[];
}

export function checkLedger(input: LedgerInput): LedgerCheck {
  const byKey = new Map<string, string[]>();
  const foreign: string[] = [];
  for (const payment of input.stored) {
    const key = payment.idempotencyKey;
    if (key === null || !input.attemptedKeys.has(key)) {
      foreign.push(payment.id);
      continue;
    }
    const ids = byKey.get(key) ?? [];
    ids.push(payment.id);
    byKey.set(key, ids);
  }
  const missing: string[] = [];
  const mismatched: { key: string; acknowledged: string; stored: string }[] = [];
  for (const [key, acknowledged] of input.succeeded) {
    const ids = byKey.get(key);
    if (!ids) missing.push(key);
    else if (ids.length === 1 && ids[0] !== acknowledged) mismatched.push({ key, acknowledged, stored: ids[0]! });
  }
  const duplicated = [...byKey].filter(([, ids]) => ids.length > 1).map(([key, ids]) => ({ key, ids }));
  const unacknowledged = [...byKey.keys()].filter((key) => !input.succeeded.has(key));
  const foreignCounted = input.allowForeign ? [] : foreign;
  return {
    ok: missing.length === 0 && duplicated.length === 0 && mismatched.length === 0 && foreignCounted.length === 0,
    succeededKeys: input.succeeded.size,
    storedPayments: input.stored.length,
    missing,
    duplicated,
    mismatched,
    foreign: foreignCounted,
    unacknowledged,
  };
}

/** One line per problem kind, for assertion messages and the CLI. */
export function describeLedger(check: LedgerCheck): string {
  const sample = (items: readonly unknown[]): string => JSON.stringify(items.slice(0, 5));
  const lines = [
    `${check.succeededKeys} acknowledged keys, ${check.storedPayments} stored payments: ${check.ok ? 'consistent' : 'INCONSISTENT'}`,
  ];
  if (check.missing.length)
    lines.push(`lost (2xx but not stored): ${check.missing.length} e.g. ${sample(check.missing)}`);
  if (check.duplicated.length)
    lines.push(`duplicated (one key, several payments): ${check.duplicated.length} e.g. ${sample(check.duplicated)}`);
  if (check.mismatched.length)
    lines.push(`mismatched ids: ${check.mismatched.length} e.g. ${sample(check.mismatched)}`);
  if (check.foreign.length)
    lines.push(`payments without a key of this run: ${check.foreign.length} e.g. ${sample(check.foreign)}`);
  if (check.unacknowledged.length)
    lines.push(`stored but never acknowledged (a retry replays them): ${check.unacknowledged.length}`);
  return lines.join('\n');
}
