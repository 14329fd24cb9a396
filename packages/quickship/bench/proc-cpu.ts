// CPU time a process has used so far (utime + stime from /proc/<pid>/stat), for µs-per-request
// figures; undefined where /proc is not there (e.g. macOS).
import { readFileSync } from 'node:fs';
import { clockTicksPerSecond } from './clock-ticks.ts';

export function cpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / clockTicksPerSecond(); // fields 14, 15
  } catch {
    return undefined;
  }
}
