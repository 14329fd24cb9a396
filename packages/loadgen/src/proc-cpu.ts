// CPU time of processes, read from /proc/<pid>/stat (Linux), for the benchmarks' CPU-per-request
// figures. On a shared machine wall-clock throughput swings with the neighbours' load; CPU time
// per request says what each part costs. Elsewhere (no /proc) the readers say so (undefined, 0).
import { existsSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of /proc/<pid>/stat times (100 on every mainstream Linux build). */
const TICKS_PER_SECOND = 100;

const ticksToMs = (ticks: number): number => (ticks * 1000) / TICKS_PER_SECOND;

/** Fields 14-17 of one /proc/<pid>/stat line, in clock ticks. */
function procStatTicks(line: string): { utime: number; stime: number; cutime: number; cstime: number } {
  // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
  const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
  const at = (i: number): number => Number(fields[i - 3] ?? 0); // fields[0] is field 3 (state)
  return { utime: at(14), stime: at(15), cutime: at(16), cstime: at(17) };
}

/** CPU milliseconds from one /proc/<pid>/stat line: utime+stime, plus reaped children's when asked. */
export function parseProcStat(line: string, includeReapedChildren: boolean): number {
  const t = procStatTicks(line);
  return ticksToMs(t.utime + t.stime + (includeReapedChildren ? t.cutime + t.cstime : 0));
}

export const cpuAccountingAvailable = (): boolean => existsSync('/proc/self/stat');

/** CPU ms a process has used so far (with its reaped children's when asked); undefined when it is gone or /proc is not there. */
export function processCpuMs(pid: number | undefined, includeReapedChildren = false): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), includeReapedChildren);
  } catch {
    return undefined;
  }
}

/** CPU ms used so far by processes, each with its reaped children (0 for any that is gone). */
export function processesCpuMs(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (processCpuMs(pid, true) ?? 0), 0);
}

/** CPU ms used so far by this process (process.cpuUsage(), microsecond resolution). */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * CPU ms of this process's children that have exited and been waited for (e.g. a finished wrk or
 * pgbench): cutime+cstime of /proc/self/stat, in 10 ms ticks; 0 where /proc is not there.
 */
export function reapedChildrenCpuMs(): number {
  try {
    const t = procStatTicks(readFileSync('/proc/self/stat', 'utf8'));
    return ticksToMs(t.cutime + t.cstime);
  } catch {
    return 0;
  }
}
