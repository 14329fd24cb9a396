// Runs the CLI's main() in this process (a fresh program per call) and captures what it prints.
import { vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { redirectOutput } from '../../src/cli/output.ts';

export async function runMain(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const log = vi
    .spyOn(console, 'log')
    .mockImplementation((...parts: unknown[]) => void (out += parts.join(' ') + '\n'));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...parts: unknown[]) => void (err += parts.join(' ') + '\n'));
  const stderr = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  // What the commands print (src/cli/output.ts); console and process.stderr for anything else.
  const restore = redirectOutput((fd, text) => {
    if (fd === 1) out += text;
    else err += text;
  });
  try {
    const code = await main(['node', 'quickship', ...args]);
    return { code, out, err };
  } finally {
    restore();
    log.mockRestore();
    error.mockRestore();
    stderr.mockRestore();
  }
}
