// A closed-loop HTTP driver for the proxy comparison: `concurrency` workers on keep-alive
// connections, each sending its next request when the previous answer arrives.
import { Pool } from 'undici';

export interface RequestShape {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Called per request (so each POST can carry a fresh Idempotency-Key). */
  readonly build?: (n: number) => { readonly headers?: Record<string, string>; readonly body?: string };
}

export interface Throughput {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export async function measureThroughput(url: string, shape: RequestShape, options: { readonly concurrency: number; readonly durationMs: number; readonly warmupMs: number }): Promise<Throughput> {
  const pool = new Pool(url, { connections: options.concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  let n = 0;
  const latencies: number[] = [];
  let errors = 0;
  let recording = false;
  const startAt = performance.now();
  const warmEnd = startAt + options.warmupMs;
  const end = warmEnd + options.durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const built = shape.build?.(n++) ?? {};
      const t0 = performance.now();
      try {
        const res = await pool.request({ method: shape.method, path: shape.path, headers: built.headers, body: built.body });
        await res.body.dump();
        if (recording) {
          if (res.statusCode >= 200 && res.statusCode < 300) latencies.push(performance.now() - t0);
          else errors++;
        }
      } catch {
        if (recording) errors++;
      }
      if (!recording && performance.now() >= warmEnd) recording = true;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  await pool.close();
  const seconds = (performance.now() - warmEnd) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, errors, seconds, rps: latencies.length / seconds, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) };
}

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
