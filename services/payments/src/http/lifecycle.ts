// The process's serving state as the app sees it. The shell flips `draining` on SIGTERM; the app
// answers /readyz 503 from that moment and asks clients to close keep-alive connections.
export interface Lifecycle {
  draining: boolean;
  readonly startedAt: Date;
}

export function createLifecycle(now: Date = new Date()): Lifecycle {
  return { draining: false, startedAt: now };
}
