// Reads the smoke run's configuration from the environment (the AnalysisTemplate's Job sets it).
export interface SmokeConfig {
  /** Base URL of the payments service under test, e.g. the preview Service. */
  readonly targetUrl: string;
  /** A merchant API key (Bearer) the run creates its test payments with. */
  readonly apiKey: string;
  /** Per-request deadline: a hung endpoint fails its check instead of hanging the Job. */
  readonly requestTimeoutMs: number;
}

/** The smoke run cannot start: the message names the variable and what to set. */
export class SmokeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SmokeConfigError';
  }
}

export function readSmokeConfig(env: NodeJS.ProcessEnv): SmokeConfig {
  const rawUrl = env.TARGET_URL?.trim();
  if (!rawUrl)
    throw new SmokeConfigError(
      'TARGET_URL is not set; set it to the service to test, e.g. TARGET_URL=http://payments-preview.payments.svc',
    );
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new SmokeConfigError(`TARGET_URL "${rawUrl}" is not a URL; use e.g. http://127.0.0.1:3000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SmokeConfigError(`TARGET_URL "${rawUrl}" must be http(s)`);

  const apiKey = env.SMOKE_API_KEY?.trim() || firstKey(env.PAYMENTS_API_KEYS);
  if (!apiKey)
    throw new SmokeConfigError(
      'no API key: set SMOKE_API_KEY, or PAYMENTS_API_KEYS as merchant:key,… (its first key is used)',
    );

  const timeout = env.SMOKE_TIMEOUT_MS?.trim() ? Number(env.SMOKE_TIMEOUT_MS) : 5000;
  if (!Number.isInteger(timeout) || timeout <= 0)
    throw new SmokeConfigError(`SMOKE_TIMEOUT_MS "${env.SMOKE_TIMEOUT_MS}" must be a positive integer of milliseconds`);

  return { targetUrl: url.href.replace(/\/+$/, ''), apiKey, requestTimeoutMs: timeout };
}

/** `merchant:key,merchant:key` → the first key (the service's own PAYMENTS_API_KEYS format). */
function firstKey(keys: string | undefined): string | undefined {
  const first = keys?.split(',')[0]?.trim();
  if (!first) return undefined;
  const colon = first.indexOf(':');
  const key = colon >= 0 ? first.slice(colon + 1).trim() : first;
  return key || undefined;
}
