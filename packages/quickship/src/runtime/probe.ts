// httpGet probes with the kubelet's semantics (pkg/kubelet/prober/worker.go and prober.go):
// - a probe succeeds on a status in [200, 400); it fails on any other status, a connection error
//   or no answer within timeoutSeconds; each probe opens a fresh connection (no keep-alive);
// - nothing is probed before initialDelaySeconds, counted from the container's start;
// - the reported result changes only after successThreshold consecutive successes or
//   failureThreshold consecutive failures;
// - initial results: readiness Failure (not ready), liveness Success, startup Unknown;
// - a startup or liveness probe stops after reporting Failure (the container is restarted and a
//   new worker starts); a startup probe stops after its first Success.
// Fractional seconds are allowed so that tests can probe every 50 ms.
import { request } from 'node:http';
import type { HttpProbe } from '../model.ts';

export type ProbeKind = 'startup' | 'readiness' | 'liveness';

export interface ProbeOutcome {
  readonly ok: boolean;
  readonly message: string;
}

/** One httpGet probe against 127.0.0.1:port. Never rejects. */
export function httpGetProbe(
  port: number,
  path: string,
  timeoutSeconds: number,
  host = '127.0.0.1',
): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    const url = `http://${host}:${port}${path}`;
    const req = request(
      {
        host,
        port,
        path,
        method: 'GET',
        agent: false,
        headers: { 'user-agent': 'kube-probe/quickship', accept: '*/*', connection: 'close' },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        settle(
          status >= 200 && status < 400
            ? { ok: true, message: `HTTP ${status}` }
            : { ok: false, message: `HTTP probe failed with statuscode: ${status}` },
        );
      },
    );
    const timer = setTimeout(
      () => settle({ ok: false, message: `Get "${url}": context deadline exceeded (timeout ${timeoutSeconds}s)` }),
      timeoutSeconds * 1000,
    );
    req.on('error', (error) => settle({ ok: false, message: `Get "${url}": ${error.message}` }));
    req.end();
  });
}

export interface ProbeWorkerOptions {
  readonly kind: ProbeKind;
  readonly probe: HttpProbe;
  /** The instance's local port (the probe's container port maps to it). */
  readonly port: number;
  /** When the container started (ms since epoch): initialDelaySeconds counts from here. */
  readonly startedAt: number;
  /** Called when the reported result changes. */
  readonly onResult: (ok: boolean, message: string) => void;
}

const INITIAL: Record<ProbeKind, boolean | undefined> = { readiness: false, liveness: true, startup: undefined };

export class ProbeWorker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastOk: boolean | undefined;
  private run = 0;
  private reported: boolean | undefined;

  constructor(private readonly options: ProbeWorkerOptions) {
    this.reported = INITIAL[options.kind];
  }

  start(): void {
    const delay = Math.max(0, this.options.startedAt + this.options.probe.initialDelaySeconds * 1000 - Date.now());
    this.schedule(delay);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    const { probe, port, kind } = this.options;
    const began = Date.now();
    const outcome = await httpGetProbe(port, probe.path, probe.timeoutSeconds);
    if (this.stopped) return;
    this.run = outcome.ok === this.lastOk ? this.run + 1 : 1;
    this.lastOk = outcome.ok;
    const threshold = outcome.ok ? probe.successThreshold : probe.failureThreshold;
    if (this.run >= threshold && outcome.ok !== this.reported) {
      this.reported = outcome.ok;
      const label = `${kind[0]?.toUpperCase()}${kind.slice(1)} probe`;
      this.options.onResult(outcome.ok, outcome.ok ? `${label} succeeded` : `${label} failed: ${outcome.message}`);
      if ((kind === 'startup' && outcome.ok) || (kind !== 'readiness' && !outcome.ok)) return this.stop();
    }
    this.schedule(Math.max(0, began + probe.periodSeconds * 1000 - Date.now()));
  }
}
