// One request's way through a Service's endpoints: an attempt, and others while a retry is safe
// (retry-policy.ts); waiting a little when there is no endpoint; 502/503 answers. Shared by the
// router's two paths (the fast node:net one and the Node http one), which differ only in how an
// attempt is made and how the client is answered (ForwardedRequest).
// Callbacks rather than async/await, and a class rather than closures: no promise and few
// per-request function objects on the hot path.
import { mayRetry } from './retry-policy.ts';
import type { Attempt, AttemptFailure, AttemptSink, Upstream } from './upstream.ts';

/** The request as Forwarding sees it. */
export interface ForwardedRequest {
  readonly method: string;
  readonly idempotencyKey: boolean;
  /** The body was kept whole (or there is none): it can be sent again. */
  readonly replayable: boolean;
  /** The client is gone: nothing more to do. */
  gone(): boolean;
  /** Starts one attempt on `upstream`; `sink` is told once how it ended. */
  send(upstream: Upstream, sink: AttemptSink): Attempt;
  /** Answers the client with an error, if no response has begun. */
  fail(status: number, code: string, message: string): void;
  /** A response began and then failed: cut the client's connection. */
  abandon(): void;
}

/** What Forwarding needs of the router. */
export interface ForwardingRouter {
  readonly name: string;
  readonly selector: string | undefined;
  readonly emptyWaitMs: number;
  readonly maxAttempts: number;
  /** The next endpoint to try, or undefined when there is none. */
  pickFor(selector: string | undefined, tried: readonly Upstream[]): Upstream | undefined;
  /** Waits up to `ms` for a change of the endpoint table. */
  nextEndpointChange(ms: number): Promise<void>;
  count(counter: 'retries' | 'noEndpoints' | 'upstreamErrors'): void;
}

export class Forwarding implements AttemptSink {
  private readonly tried: Upstream[] = [];
  private waitUntil = 0;
  private attempt = 1;
  private upstream: Upstream | undefined = undefined;
  private exchange: Attempt | undefined = undefined;

  /** `selector` is the Service's selector when the request arrived. */
  constructor(
    private readonly router: ForwardingRouter,
    private readonly request: ForwardedRequest,
    private selector: string | undefined,
  ) {}

  start(): void {
    this.next();
  }

  /** The client's connection closed: the attempt in progress is abandoned. */
  clientClosed(): void {
    this.exchange?.clientClosed();
  }

  private next(): void {
    const { router, request, tried } = this;
    if (request.gone()) return;
    const upstream = router.pickFor(this.selector, tried);
    this.upstream = upstream;
    if (!upstream) {
      if (this.waitUntil === 0) this.waitUntil = Date.now() + router.emptyWaitMs;
      const remaining = this.waitUntil - Date.now();
      if (remaining > 0) {
        void router.nextEndpointChange(Math.min(remaining, 250)).then(() => {
          // Not sent anywhere yet: it is still a new request, so it follows a selector switch.
          if (tried.length === 0) this.selector = router.selector;
          this.next();
        });
        return;
      }
      if (tried.length === 0) {
        router.count('noEndpoints');
        return request.fail(
          503,
          'no_ready_endpoints',
          `Service ${router.name} has no ready endpoint for rollouts-pod-template-hash=${this.selector ?? '<none>'} after waiting ${router.emptyWaitMs} ms`,
        );
      }
      router.count('upstreamErrors');
      return request.fail(
        502,
        'upstream_unavailable',
        `Service ${router.name}: every endpoint tried failed before answering (${tried.map((u) => u.name).join(', ')})`,
      );
    }
    this.waitUntil = 0;
    this.exchange = request.send(upstream, this);
  }

  attemptDone(failure: AttemptFailure | undefined): void {
    this.exchange = undefined;
    if (!failure) return;
    const { router, request } = this;
    const failed = this.upstream as Upstream;
    if (failure.invalid)
      return request.fail(
        400,
        'invalid_request',
        `Service ${router.name} cannot forward this request: ${failure.invalid}`,
      );
    this.tried.push(failed);
    const retry =
      this.attempt < router.maxAttempts &&
      mayRetry({
        method: request.method,
        idempotencyKey: request.idempotencyKey,
        code: failure.code,
        duringConnect: failure.duringConnect,
        responseStarted: failure.responseStarted,
        bodyReplayable: request.replayable,
      });
    if (!retry) {
      router.count('upstreamErrors');
      if (failure.responseStarted) return request.abandon();
      return request.fail(
        502,
        'upstream_connection_error',
        `Service ${router.name}: endpoint ${failed.name} failed after the request was sent (${failure.code ?? 'error'}); it was not retried because it may have been processed — retry it with the same Idempotency-Key`,
      );
    }
    router.count('retries');
    this.attempt++;
    // Next attempt asynchronously: a failure reported during dispatch does not recurse.
    queueMicrotask(() => this.next());
  }
}
