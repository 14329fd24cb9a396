// Go's time.ParseDuration, which Argo uses for `interval` and `initialDelay` (DurationString):
// a sequence of decimal numbers with units ns, us/µs, ms, s, m, h ("30s", "1m30s", "1.5h").
import { InvalidDurationError } from './errors.ts';

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds of a Go duration string; `field` names the value in the error. */
export function parseGoDuration(text: string, field: string): number {
  const match = /^([+-])?((?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text);
  if (text === '0') return 0;
  if (!match) throw new InvalidDurationError(field, text);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(amount) * (UNIT_MS[unit as string] as number);
  }
  return match[1] === '-' ? -total : total;
}
