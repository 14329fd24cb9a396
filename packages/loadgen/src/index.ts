// A bounded loopback load generator for the payments service and the local engine's router.
// Pure parts (histogram, retry decision, ledger check, request planning) are exported for reuse
// and tests; runLoad/verifyPayments/settlePayments are the I/O shell. The benchmarks' shared
// tooling is here too: the wrk runner (wrk.ts, payments.lua, summary.lua) and CPU time from /proc (proc-cpu.ts).
// See README.md.
export { runLoad, InvalidLoadOptionsError, MAX_CONNECTIONS, MAX_DURATION_MS, MAX_REQUESTS } from './run.ts';
export type { LoadOptions, LoadResult, AttemptEvent, PaymentsOutcome } from './run.ts';
export { settlePayments } from './settle.ts';
export type { SettleOptions } from './settle.ts';
export { verifyPayments, listStoredPayments, VerifyRequestError, VerifyOptionsError } from './verify.ts';
export type { VerifyOptions, VerifyResult } from './verify.ts';
export { checkLedger, describeLedger } from './ledger.ts';
export type { LedgerCheck, LedgerInput, StoredPayment } from './ledger.ts';
export { LatencyHistogram } from './histogram.ts';
export type { LatencySummary } from './histogram.ts';
export { RunStats } from './stats.ts';
export type { LoadReport, AttemptCounts, LogicalCounts } from './stats.ts';
export { decideRetry, retryPolicy, DEFAULT_RETRY_POLICY, NO_RETRY, InvalidRetryPolicyError } from './retry.ts';
export type { RetryPolicy, RetryDecision } from './retry.ts';
export { isSuccess, outcomeLabel, transportPhase } from './outcome.ts';
export type { AttemptOutcome, TransportPhase } from './outcome.ts';
export { idempotencyKey, keyPrefix, paymentRequest, KEY_METADATA_FIELD } from './payment-request.ts';
export type { PaymentRequest, PaymentBody } from './payment-request.ts';
export type { Workload, PaymentsWorkload, GetWorkload } from './workload.ts';
export { InvalidWorkloadError } from './workload.ts';
export { isLoopbackHost, loopbackOrigin, NonLoopbackTargetError, InvalidTargetError } from './target.ts';
export { formatReport, table } from './format.ts';
export { runWrkGet, runWrkPayments, parseWrkSummary, wrkAvailable, WRK_BIN } from './wrk.ts';
export type { WrkOptions, WrkSummary } from './wrk.ts';
export { processCpuMs, processesCpuMs, ownCpuMs, reapedChildrenCpuMs, cpuAccountingAvailable } from './proc-cpu.ts';
