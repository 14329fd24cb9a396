// Observers for the ops tests, each on its own connection so the load cannot hide what it sees:
// a /readyz poller (a timeline of answers) and a listener probe (when new TCP connections are
// first refused, i.e. when the server stopped accepting).
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

export interface ReadinessSample {
  /** Epoch ms when the probe was sent. */
  readonly at: number;
  /** HTTP status, or the transport error code. */
  readonly status: number | string;
  readonly latencyMs: number;
}

export interface Poller<T> {
  readonly samples: T[];
  stop(): Promise<void>;
}

/** GET /readyz every `intervalMs` until stopped; each answer (or error) is one sample. */
export function pollReadiness(origin: string, intervalMs: number): Poller<ReadinessSample> {
  const samples: ReadinessSample[] = [];
  const pool = new Pool(origin, { connections: 1 });
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      const status = await pool
        .request({ method: 'GET', path: '/readyz', headersTimeout: 5_000, bodyTimeout: 5_000 })
        .then(async (r) => (await r.body.dump(), r.statusCode))
        .catch((error: { code?: string }) => error.code ?? 'ERROR');
      samples.push({ at, status, latencyMs: Date.now() - at });
      await sleep(intervalMs);
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      await loop;
      await pool.destroy();
    },
  };
}

export interface ListenerSample {
  readonly at: number;
  readonly accepted: boolean;
}

/** Opens (and at once closes) a fresh TCP connection every `intervalMs`; records accepted/refused. */
export function probeListener(port: number, intervalMs: number): Poller<ListenerSample> {
  const samples: ListenerSample[] = [];
  let running = true;
  const once = (): Promise<boolean> =>
    new Promise((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      samples.push({ at, accepted: await once() });
      await sleep(intervalMs);
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** First sample at or after `from` matching `test`, or undefined. */
export function firstAfter<T extends { at: number }>(
  samples: readonly T[],
  from: number,
  test: (s: T) => boolean,
): T | undefined {
  return samples.find((s) => s.at >= from && test(s));
}
