import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cpuAccountingAvailable, parseProcStat, reapedChildrenCpuMs } from './proc-cpu.ts';

describe('CPU time from /proc', () => {
  it('reads utime+stime (and reaped children) from /proc/<pid>/stat, whatever the command name', () => {
    const line = '4242 (postgres: a) b) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 7 3 20 0 1 0 100 0 0';
    expect(parseProcStat(line, false)).toBe(3000); // (250 + 50) ticks of 10 ms
    expect(parseProcStat(line, true)).toBe(3100); // + (7 + 3) ticks of reaped children
  });

  it.skipIf(!cpuAccountingAvailable())('counts the CPU of a child once it has exited', () => {
    const before = reapedChildrenCpuMs();
    // A child that spins until it has used 200 ms of CPU, however loaded the machine is.
    execFileSync(process.execPath, [
      '-e',
      'const u = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; }; while (u() < 200);',
    ]);
    expect(reapedChildrenCpuMs() - before).toBeGreaterThanOrEqual(100);
  });
});
