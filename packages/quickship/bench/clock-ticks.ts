// USER_HZ (clock ticks per second of /proc/<pid>/stat times): `getconf CLK_TCK`, 100 on Linux.
import { execFileSync } from 'node:child_process';

let ticks: number | undefined;

export function clockTicksPerSecond(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}
