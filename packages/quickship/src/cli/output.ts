// What a short-lived command prints, written straight to file descriptor 1 or 2 with writeSync.
//
// Why not console.log: the first use of process.stdout or process.stderr builds a Node stream for
// the descriptor (a net.Socket for a pipe, a tty.WriteStream for a terminal), which cost 6–8 ms of
// every command's start-up on these machines (bench:cli-startup: `node -e 'console.log(1)' | cat`
// against the same with fs.writeSync). A command prints a few lines and exits, so writing them
// synchronously loses nothing, and the order of stdout and stderr lines is the order of the calls.
//
// Edge cases, as a CLI should treat them:
// - EAGAIN (a descriptor another program left non-blocking, and its pipe is full): from then on that
//   descriptor's output goes through process.stdout/stderr, which waits for the reader; nothing is
//   lost and the order is kept (earlier text was already written).
// - EPIPE (the reader went away, `quickship app list | head -1`): the rest is dropped, as `ls | head`
//   drops it; the command still ends with its own exit code.
// - a partial write (a signal mid-write) writes the remainder.
// The long-running `quickship up` keeps console.log: it prints while it serves, from the event loop.
import { fstatSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty'; // loaded on first use in the build (bin/chunk-loader.cjs)

type Descriptor = 1 | 2;

/** Where output goes instead, while redirected (tests running main() in-process). */
let redirected: ((fd: Descriptor, text: string) => void) | undefined;

/** Sends every later write to `to` until the returned function is called. */
export function redirectOutput(to: (fd: Descriptor, text: string) => void): () => void {
  const previous = redirected;
  redirected = to;
  return () => {
    redirected = previous;
  };
}

const state = {
  1: 'direct' as 'direct' | 'stream' | 'closed',
  2: 'direct' as 'direct' | 'stream' | 'closed',
};

/** How a direct write ended: all written, the descriptor would block (what is left), or no reader. */
export type DirectWrite =
  | { readonly outcome: 'written' }
  | { readonly outcome: 'blocked'; readonly rest: Buffer }
  | { readonly outcome: 'closed' };

/** Writes all of `bytes` to `fd` with writeSync, resuming after a partial write. */
export function writeDirect(fd: number, bytes: Buffer): DirectWrite {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return { outcome: 'blocked', rest: bytes.subarray(offset) };
      if (code === 'EPIPE') return { outcome: 'closed' };
      throw error;
    }
  }
  return { outcome: 'written' };
}

/** Writes `text` as is to stdout (1) or stderr (2). */
export function writeOutput(fd: Descriptor, text: string): void {
  if (redirected) return redirected(fd, text);
  if (text.length === 0 || state[fd] === 'closed') return;
  const stream = (): NodeJS.WriteStream => (fd === 1 ? process.stdout : process.stderr);
  if (state[fd] === 'stream') {
    stream().write(text);
    return;
  }
  const result = writeDirect(fd, Buffer.from(text, 'utf8'));
  if (result.outcome === 'blocked') {
    state[fd] = 'stream';
    stream().write(result.rest);
  } else if (result.outcome === 'closed') state[fd] = 'closed';
}

/** Prints a line (a newline is added) to stdout. */
export function printLine(text: string): void {
  writeOutput(1, `${text}\n`);
}

/** Prints a line (a newline is added) to stderr. */
export function printErrorLine(text: string): void {
  writeOutput(2, `${text}\n`);
}

/**
 * Whether the descriptor is a terminal, asked without building its Node stream: a pipe, a socket
 * or a file is not one (one fstat); only a character device is asked of node:tty (which loads
 * node:net, 4–5 ms), since /dev/null is one too.
 */
export function isTerminal(fd: Descriptor): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false; // closed
  }
  return isatty(fd);
}
