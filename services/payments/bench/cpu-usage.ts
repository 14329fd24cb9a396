// Where the CPU goes, per request: CPU time of PostgreSQL (the postmaster, its backends, and
// backends that already exited), read from /proc (Linux). The generic readers (per process, this
// process, its reaped children) are @quickship/loadgen's (proc-cpu.ts).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { processCpuMs } from '@quickship/loadgen';

function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** CPU ms used so far by a PostgreSQL cluster: the postmaster, live backends, reaped backends. */
export function postgresCpuMs(dataDir: string): number {
  const pid = Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
  return (processCpuMs(pid, true) ?? 0) + childPids(pid).reduce((sum, child) => sum + (processCpuMs(child) ?? 0), 0);
}
