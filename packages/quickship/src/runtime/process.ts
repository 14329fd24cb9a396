// One OS process behind an instance: either spawned here or adopted from a previous engine.
// Spawned processes are detached (own process group) so Ctrl-C in the engine's terminal does
// not reach them directly — the engine drains them in Kubernetes order — and so that SIGKILL
// can take the whole group, as the kubelet kills every process of a container. stdout/stderr
// go straight to the instance's log file, so a process outlives an engine restart intact.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  readonly error?: string;
}

export interface ProcessHandle {
  readonly pid: number;
  /** Kernel start time of the pid (clock ticks since boot); tells a live process from a reused pid. */
  readonly startTime: string | undefined;
  readonly exited: Promise<ProcessExit>;
  hasExited(): boolean;
  /** SIGTERM to the main process, as the kubelet signals a container's PID 1. */
  terminate(): void;
  /** SIGKILL to the whole process group. */
  kill(): void;
}

export interface SpawnOptions {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
}

/** Starts the process; rejects only if it could not be started (the message says why). */
export async function spawnProcess(options: SpawnOptions): Promise<ProcessHandle> {
  const log = openSync(options.logFile, 'a');
  let child;
  try {
    child = spawn(options.file, options.args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`cannot start ${options.file}: ${error.message}`)));
  });
  const pid = child.pid ?? 0;
  let exited = false;
  const exit = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
  });
  return {
    pid,
    startTime: await processStartTime(pid),
    exited: exit,
    hasExited: () => exited,
    terminate: () => signal(pid, 'SIGTERM'),
    kill: () => signalGroup(pid, 'SIGKILL'),
  };
}

/**
 * SIGTERM, then SIGKILL to the group if the process is still running after `ms`; resolves once it
 * has exited, with whether it had to be killed. `beforeKill` runs just before the SIGKILL.
 */
export async function stopWithin(handle: ProcessHandle, ms: number, beforeKill?: () => void): Promise<boolean> {
  handle.terminate();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), ms)));
  const result = await Promise.race([handle.exited, deadline]);
  clearTimeout(timer);
  if (result !== 'deadline') return false;
  beforeKill?.();
  handle.kill();
  await handle.exited;
  return true;
}

/** Watches a process this engine did not spawn (re-adopted after a restart) by polling its pid. */
export function adoptProcess(pid: number, startTime: string | undefined, pollMs = 200): ProcessHandle {
  let exited = false;
  const exit = new Promise<ProcessExit>((resolve) => {
    const timer = setInterval(() => {
      void isSameProcess(pid, startTime).then((alive) => {
        if (alive || exited) return;
        exited = true;
        clearInterval(timer);
        resolve({ code: null, signal: null });
      });
    }, pollMs);
  });
  return {
    pid,
    startTime,
    exited: exit,
    hasExited: () => exited,
    terminate: () => signal(pid, 'SIGTERM'),
    kill: () => signalGroup(pid, 'SIGKILL'),
  };
}

/** Field 22 of /proc/<pid>/stat; undefined when the process is gone, a zombie, or /proc is absent. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: fields after it start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
}

/** True when `pid` is alive and (where /proc exists) started at `startTime`. */
export async function isSameProcess(pid: number, startTime: string | undefined): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const now = await processStartTime(pid);
  if (now === undefined) return startTime === undefined && isAlive(pid);
  return now === startTime;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone: nothing to signal.
  }
}

function signalGroup(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pid, name);
  } catch {
    signal(pid, name);
  }
}
