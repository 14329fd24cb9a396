// Where the CPU goes, per request: CPU time of the service processes and of PostgreSQL (the
// postmaster, its backends, and backends that already exited), read from /proc (Linux). On a
// shared machine wall-clock throughput swings with the neighbours' load; CPU milliseconds per
// request say what each part costs, so they show what to optimise.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of /proc/<pid>/stat times (100 on every mainstream Linux build). */
const TICKS_PER_SECOND = 100;

/** CPU milliseconds from one /proc/<pid>/stat line: utime+stime, plus reaped children's when asked. */
export function parseProcStat(line: string, includeReapedChildren: boolean): number {
  // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
  const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
  const at = (i: number): number => Number(fields[i - 3] ?? 0); // fields[0] is field 3 (state)
  const ticks = at(14) + at(15) + (includeReapedChildren ? at(16) + at(17) : 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

function processCpuMs(pid: number, includeReapedChildren = false): number {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), includeReapedChildren);
  } catch {
    return 0; // gone
  }
}

function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export const cpuAccountingAvailable = (): boolean => existsSync('/proc/self/stat');

/** CPU ms used so far by a PostgreSQL cluster: the postmaster, live backends, reaped backends. */
export function postgresCpuMs(dataDir: string): number {
  const pid = Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
  return processCpuMs(pid, true) + childPids(pid).reduce((sum, child) => sum + processCpuMs(child), 0);
}

/** CPU ms used so far by processes (each with its reaped children). */
export function processesCpuMs(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + processCpuMs(pid, true), 0);
}

/** CPU ms used so far by this process. */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** CPU ms of this process plus its reaped children (e.g. a finished pgbench). */
export function ownAndReapedChildrenCpuMs(): number {
  return processCpuMs(process.pid, true);
}
