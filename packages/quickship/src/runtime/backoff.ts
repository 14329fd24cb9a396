// CrashLoopBackOff timing. Kubernetes (Pod Lifecycle, "Container restarts"): after a container
// exits the kubelet restarts it with an exponential back-off delay (10s, 20s, 40s, …) capped at
// 300s, and resets the back-off once the container has run for 10 minutes without problems.
// Locally the same curve is scaled down (default 1s doubling, capped at 30s, reset after 60s)
// so a crash loop is visible without stalling a developer; the engine may pass the k8s values.

export interface BackoffPolicy {
  readonly initialSeconds: number;
  readonly maxSeconds: number;
  /** A container that ran this long before failing restarts with the initial delay again. */
  readonly resetAfterSeconds: number;
}

export const KUBERNETES_BACKOFF: BackoffPolicy = { initialSeconds: 10, maxSeconds: 300, resetAfterSeconds: 600 };
export const LOCAL_BACKOFF: BackoffPolicy = { initialSeconds: 1, maxSeconds: 30, resetAfterSeconds: 60 };

/** Delay before restart number `restart` (1 = the first restart) in a crash streak. */
export function backoffDelaySeconds(policy: BackoffPolicy, restart: number): number {
  const exponent = Math.max(0, restart - 1);
  return Math.min(policy.maxSeconds, policy.initialSeconds * 2 ** Math.min(exponent, 30));
}
