// The local EndpointSlice: every instance's address and conditions, written by ReplicaSets and
// read by the Service routers. As in Kubernetes, a Service sends traffic only to endpoints that
// are ready and not terminating (EndpointConditions: ready/serving/terminating), chosen by the
// Service's selector — here the `rollouts-pod-template-hash` a Rollout writes into it.
// Writes are synchronous, so "removed from endpoints" takes effect before the caller's next step.

export interface Endpoint {
  /** The instance (pod) name. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly podTemplateHash: string;
  readonly ready: boolean;
  readonly terminating: boolean;
}

export class EndpointTable {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly waiters = new Set<() => void>();
  private readonly listeners = new Set<(endpoint: Endpoint, removed: boolean) => void>();
  /** Increases on every change; readers cache against it. */
  version = 0;

  set(endpoint: Endpoint): void {
    const previous = this.endpoints.get(endpoint.name);
    if (previous && sameEndpoint(previous, endpoint)) return;
    this.endpoints.set(endpoint.name, endpoint);
    this.changed(endpoint, false);
  }

  delete(name: string): void {
    const previous = this.endpoints.get(name);
    if (!previous) return;
    this.endpoints.delete(name);
    this.changed(previous, true);
  }

  /** Ready, non-terminating endpoints of one pod template hash. */
  serving(podTemplateHash: string): readonly Endpoint[] {
    return [...this.endpoints.values()].filter(
      (e) => e.ready && !e.terminating && e.podTemplateHash === podTemplateHash,
    );
  }

  get(name: string): Endpoint | undefined {
    return this.endpoints.get(name);
  }

  list(): readonly Endpoint[] {
    return [...this.endpoints.values()];
  }

  /** Resolves at the next change, or after `timeoutMs`. */
  nextChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.waiters.add(wake);
    });
  }

  /** Synchronous notification of every change (e.g. for a router to drop idle connections). */
  onChange(listener: (endpoint: Endpoint, removed: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(endpoint: Endpoint, removed: boolean): void {
    this.version++;
    for (const listener of this.listeners) listener(endpoint, removed);
    for (const wake of [...this.waiters]) wake();
  }
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return (
    a.host === b.host &&
    a.port === b.port &&
    a.podTemplateHash === b.podTemplateHash &&
    a.ready === b.ready &&
    a.terminating === b.terminating
  );
}
