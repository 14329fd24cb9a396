// What Argo CD's Lua runtime does around its built-in health.lua scripts (util/lua/lua.go), for the
// kinds whose checks are Lua upstream and TypeScript here: Lua's truthiness and tonumber, the
// validation of the status a script returns, and how a script error is reported.
import type { HealthStatus, HealthStatusCode } from '../../store/object.ts';

const CODES: ReadonlySet<string> = new Set(['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown']);

/** A status a script copied from the object (a Rollout's phase, a child Application's health) must be a known code. */
export function scriptResult(status: unknown, message: unknown): HealthStatus {
  if (typeof status !== 'string' || !CODES.has(status)) {
    return { status: 'Unknown', message: 'Lua returned an invalid health status' };
  }
  const code = status as HealthStatusCode;
  return typeof message === 'string' ? { status: code, message } : { status: code };
}

/**
 * A script that fails at run time (indexing a missing table, ipairs over nil) makes Argo CD report
 * Unknown with the Lua error; gopher-lua's text (with line numbers) is not reproduced, the message
 * names the field instead.
 */
export function scriptError(kind: string, detail: string): HealthStatus {
  return { status: 'Unknown', message: `${kind} health.lua fails: ${detail}` };
}

/** Lua: everything but nil and false is true. */
export function truthy(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false;
}

/** Lua 5.1's tonumber on a JSON value: numbers as is, numeric strings (decimal or 0x hex) parsed, else nil. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (/^[-+]?0x[0-9a-f]+$/i.test(s)) return Number.parseInt(s, 16);
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return Number(s);
  return undefined;
}
