// CPU µs a process has used so far (utime + stime, @quickship/loadgen's /proc/<pid>/stat reader),
// for µs-per-request figures; undefined where /proc is not there (e.g. macOS) or the process is gone.
import { processCpuMs } from '@quickship/loadgen';

export function cpuMicros(pid: number | undefined): number | undefined {
  const ms = processCpuMs(pid);
  return ms === undefined ? undefined : ms * 1000;
}
