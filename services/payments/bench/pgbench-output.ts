// Reads the summary pgbench prints at the end of a run (PostgreSQL 13+ wording), pure.

export interface PgbenchSummary {
  /** "tps = N (without initial connection time)". */
  readonly tps: number;
  readonly transactions: number;
  readonly failedTransactions: number;
  readonly latencyAvgMs?: number;
}

export class PgbenchOutputError extends Error {
  constructor(output: string) {
    super(
      `could not find "tps = …" in pgbench's output; is it PostgreSQL 13 or newer? Output was:\n${output.slice(-2000)}`,
    );
    this.name = 'PgbenchOutputError';
  }
}

const number = (text: string, pattern: RegExp): number | undefined => {
  const match = pattern.exec(text);
  return match ? Number(match[1]) : undefined;
};

export function parsePgbenchOutput(output: string): PgbenchSummary {
  const tps = number(output, /^tps = ([\d.]+) \(without initial connection/m) ?? number(output, /^tps = ([\d.]+)/m);
  if (tps === undefined) throw new PgbenchOutputError(output);
  return {
    tps,
    transactions: number(output, /^number of transactions actually processed: (\d+)/m) ?? 0,
    failedTransactions: number(output, /^number of failed transactions: (\d+)/m) ?? 0,
    latencyAvgMs: number(output, /^latency average = ([\d.]+) ms/m),
  };
}
