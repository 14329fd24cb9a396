// The cutover benchmark's figures: types, goals, and the table printed at the end.

/** Per workload, per target (direct, router, haproxy): median of the rounds. */
export type ProxyFigures = Record<
  string,
  Record<
    string,
    { rps: number; p50Ms: number; p99Ms: number; errors: number; cpuUsPerRequest?: number; client?: string }
  >
>;

export interface CutoverFigures {
  readonly cycles: number;
  readonly connections: number;
  /** Attempts sent across all cycles, and those not answered 2xx. */
  readonly sent: number;
  readonly failed: number;
  readonly logicalFailed: number;
  readonly payments: number;
  /** Every acknowledged payment stored exactly once, nothing else stored. */
  readonly ledgerOk: boolean;
  readonly seconds: number;
  readonly p99Ms: number;
  /** Verb call → first answer from the new revision on the active port. */
  readonly promoteSwitchMs: readonly number[];
  /** Verb round trip: the selector is switched before the engine answers. */
  readonly promoteVerbMs: readonly number[];
  readonly undoSwitchBackMs: readonly number[];
  readonly undoVerbMs: readonly number[];
  readonly abortAppliedMs: readonly number[];
  readonly abortedRevisionAnswersOnActive: number;
}

export const GOALS = { minRequests: 20_000, minCycles: 10, maxSwitchMs: 100, minRouterVsHaproxy: 0.8 } as const;

const f = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
/** The middle value (the upper one of the two middle values for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const stats = (values: readonly number[]): string => {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${f(median(sorted))} ms, max ${f(sorted.at(-1) ?? Number.NaN)} ms (n=${sorted.length})`;
};
const mark = (ok: boolean): string => (ok ? 'meets goal' : 'MISSES goal');

export function printReport(figures: {
  readonly proxies: ProxyFigures;
  readonly cutover: CutoverFigures;
  readonly machine: { readonly cpus: number; readonly loadavg: readonly number[] };
}): void {
  const { proxies, cutover } = figures;
  console.log(
    `\nquickship cutover benchmark (${figures.machine.cpus} CPUs, load average ${figures.machine.loadavg.map((l) => l.toFixed(1)).join(' ')})\n`,
  );
  const client = Object.values(proxies).flatMap((byTarget) => Object.values(byTarget))[0]?.client ?? 'Node loadgen';
  console.log(`Proxy comparison: one payments instance, client ${client}, 16 keep-alive connections, median of rounds`);
  console.log(
    `  ${'workload'.padEnd(18)} ${'target'.padEnd(8)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'+p99 ms'.padStart(8)} ${'errors'.padStart(7)} ${'proxy CPU µs/req'.padStart(17)}`,
  );
  for (const [workload, byTarget] of Object.entries(proxies)) {
    const direct = byTarget.direct;
    for (const [target, r] of Object.entries(byTarget)) {
      const added = direct ? r.p99Ms - direct.p99Ms : Number.NaN;
      const cpu = r.cpuUsPerRequest === undefined ? '' : f(r.cpuUsPerRequest, 0);
      console.log(
        `  ${workload.padEnd(18)} ${target.padEnd(8)} ${f(r.rps, 0).padStart(9)} ${f(r.p50Ms, 2).padStart(8)} ${f(r.p99Ms, 2).padStart(8)} ${(target === 'direct' ? '' : f(added, 2)).padStart(8)} ${String(r.errors).padStart(7)} ${cpu.padStart(17)}`,
      );
    }
    const router = byTarget.router;
    const haproxy = byTarget.haproxy;
    if (router && haproxy && direct) {
      const ratio = router.rps / haproxy.rps;
      console.log(
        `  ${workload}: router/HAProxy throughput ${f(ratio, 2)}× (${mark(ratio >= GOALS.minRouterVsHaproxy)} ≥ ${GOALS.minRouterVsHaproxy}×), router/direct ${f(router.rps / direct.rps, 2)}×, HAProxy/direct ${f(haproxy.rps / direct.rps, 2)}×`,
      );
      if (router.cpuUsPerRequest !== undefined && haproxy.cpuUsPerRequest !== undefined)
        console.log(
          `    CPU per request: router ${f(router.cpuUsPerRequest, 0)} µs, HAProxy ${f(haproxy.cpuUsPerRequest, 0)} µs`,
        );
    }
  }
  console.log('\nCutover cycles under steady POST /v1/payments load (Idempotency-Keys)');
  const enough = cutover.sent >= GOALS.minRequests && cutover.cycles >= GOALS.minCycles;
  console.log(
    `  requests sent            ${cutover.sent} over ${cutover.cycles} cycles, ${f(cutover.seconds, 0)} s, ${cutover.connections} connections${enough ? '' : ` (goal ≥ ${GOALS.minRequests} over ≥ ${GOALS.minCycles})`}`,
  );
  console.log(
    `  requests failed          ${cutover.failed} (logical ${cutover.logicalFailed}) — ${mark(cutover.failed === 0)} of 0`,
  );
  console.log(
    `  payments stored once     ${cutover.ledgerOk ? 'yes' : 'NO'} (${cutover.payments} acknowledged, checked in PostgreSQL)`,
  );
  console.log(
    `  promote → switch         ${stats(cutover.promoteSwitchMs)} — ${mark(Math.max(...cutover.promoteSwitchMs) < GOALS.maxSwitchMs)} < ${GOALS.maxSwitchMs} ms`,
  );
  console.log(`    (verb round trip        ${stats(cutover.promoteVerbMs)}; the switch is applied before it answers)`);
  console.log(
    `  undo → switch-back       ${stats(cutover.undoSwitchBackMs)} — ${mark(Math.max(...cutover.undoSwitchBackMs) < GOALS.maxSwitchMs)} < ${GOALS.maxSwitchMs} ms`,
  );
  console.log(`    (verb round trip        ${stats(cutover.undoVerbMs)})`);
  console.log(
    `  abort → applied          ${stats(cutover.abortAppliedMs)}; aborted revision answers on active: ${cutover.abortedRevisionAnswersOnActive}`,
  );
  console.log(`  load p99                 ${f(cutover.p99Ms, 1)} ms`);
}
