import { describe, expect, it } from 'vitest';
import { RunStats } from './stats.ts';

describe('RunStats', () => {
  it('counts attempts by outcome and logical requests by result', () => {
    const stats = new RunStats();
    stats.logicalBegan();
    stats.attemptStarted(false);
    stats.attemptEnded({ kind: 'transport', code: 'ECONNREFUSED', phase: 'connect' }, 1);
    stats.attemptStarted(true);
    stats.attemptEnded({ kind: 'response', status: 503 }, 2);
    stats.attemptStarted(true);
    stats.attemptEnded({ kind: 'response', status: 201 }, 4);
    stats.logicalEnded(true, 10);
    stats.logicalBegan();
    stats.attemptStarted(false);
    stats.attemptEnded({ kind: 'transport', code: 'UND_ERR_SOCKET', phase: 'socket' }, 3);
    stats.logicalEnded(false, 3);

    const report = stats.report(2000, 8);
    expect(report.attempts).toEqual({
      sent: 4,
      ok: 1,
      nonOkByStatus: { '503': 1 },
      transportErrors: { ECONNREFUSED: 1, UND_ERR_SOCKET: 1 },
      transportByPhase: { connect: 1, socket: 1, timeout: 0 },
      retried: 2,
    });
    expect(report.logical).toEqual({ started: 2, succeeded: 1, failed: 1 });
    expect(report.latency.count).toBe(2); // only attempts that got a response have a latency
    expect(report.logicalLatency).toMatchObject({ count: 1, maxMs: 10 });
    expect(report.throughput).toEqual({ responsesPerSec: 1, succeededPerSec: 0.5 });
    expect(report.connections).toBe(8);
  });
});
