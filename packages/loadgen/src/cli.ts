// `tsx packages/loadgen/src/cli.ts [options] <url>`: a hey/wrk-like manual load run that prints
// the figures. Usage errors print the usage; anything else prints its stack.
import { parseCli, USAGE, UsageError } from './cli-args.ts';
import { formatReport } from './format.ts';
import { describeLedger } from './ledger.ts';
import { InvalidRetryPolicyError } from './retry.ts';
import { InvalidLoadOptionsError, runLoad } from './run.ts';
import { InvalidTargetError, NonLoopbackTargetError } from './target.ts';
import { verifyPayments, VerifyRequestError } from './verify.ts';
import { InvalidWorkloadError } from './workload.ts';

async function main(): Promise<number> {
  const plan = parseCli(process.argv.slice(2), process.env);
  if (plan.help) {
    console.log(USAGE);
    return 0;
  }
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort()); // Ctrl-C: stop new requests, print what was measured
  const result = await runLoad({ ...plan.load, signal: stop.signal });
  const verification =
    plan.verify && plan.load.workload.kind === 'payments'
      ? await verifyPayments({
          target: String(plan.load.targets),
          apiKey: plan.load.workload.apiKey,
          outcome: result.payments,
          allowForeign: true,
        })
      : undefined;
  if (plan.json) console.log(JSON.stringify({ report: result.report, verification }, null, 2));
  else {
    console.log(formatReport(result.report));
    if (verification)
      console.log(
        describeLedger(verification),
        verification.fetchFailures.length ? `\nread-back failures: ${verification.fetchFailures.length}` : '',
      );
  }
  return verification && !verification.ok ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const userErrors = [
      UsageError,
      InvalidTargetError,
      NonLoopbackTargetError,
      InvalidLoadOptionsError,
      InvalidRetryPolicyError,
      InvalidWorkloadError,
      VerifyRequestError,
    ];
    const known = userErrors.some((kind) => error instanceof kind);
    console.error(known ? (error as Error).message : error);
    process.exit(2);
  },
);
