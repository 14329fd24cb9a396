// The CLI's direct writes (output.ts) against real descriptors: a FIFO stands in for a pipe, so a
// reader can be slow (the write would block) or gone (EPIPE), as behind `| less` or `| head -1`.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeDirect } from './output.ts';

const PACKAGE = resolve(import.meta.dirname, '../..');

let folder: string | undefined;
const open: number[] = [];
afterEach(() => {
  for (const fd of open.splice(0)) closeSync(fd);
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** A FIFO with a reader and a non-blocking writer, both open. */
function fifo(): { reader: number; writer: number } {
  folder = mkdtempSync(join(tmpdir(), 'quickship-output-'));
  const path = join(folder, 'pipe');
  execFileSync('mkfifo', [path]);
  const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  open.push(reader, writer);
  return { reader, writer };
}

function readAll(fd: number): Buffer {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(65536);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break;
      throw error;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}

describe('writeDirect', () => {
  it('writes everything a reader can take', () => {
    const { reader, writer } = fifo();
    expect(writeDirect(writer, Buffer.from('deploy/: 1 Rollout (payments), no errors\n'))).toEqual({
      outcome: 'written',
    });
    expect(readAll(reader).toString()).toBe('deploy/: 1 Rollout (payments), no errors\n');
  });

  it('hands back exactly what is left when the pipe is full, nothing lost or repeated', () => {
    const { reader, writer } = fifo();
    const bytes = Buffer.alloc(1 << 20, 'abcdefghij');
    const result = writeDirect(writer, bytes);
    expect(result.outcome).toBe('blocked');
    const rest = result.outcome === 'blocked' ? result.rest : Buffer.alloc(0);
    expect(rest.length).toBeGreaterThan(0);
    const taken = readAll(reader);
    expect(Buffer.concat([taken, rest]).equals(bytes)).toBe(true);
  });

  it('reports a pipe with no reader as closed instead of throwing', () => {
    const { reader, writer } = fifo();
    closeSync(reader);
    open.splice(open.indexOf(reader), 1);
    expect(writeDirect(writer, Buffer.from('x\n'))).toEqual({ outcome: 'closed' });
  });
});

describe('writeOutput', () => {
  it('hands what a full non-blocking stdout cannot take to the Node stream: all of it arrives, in order', async () => {
    // Touching process.stdout makes libuv open the pipe non-blocking; the parent reads only after
    // 300 ms, so the pipe fills and a direct write meets EAGAIN.
    const script = `
      import { writeOutput } from './src/cli/output.ts';
      process.stdout;
      for (let i = 0; i < 20000; i++) writeOutput(1, String(i).padStart(99, '.') + '\\n');
      writeOutput(2, 'done\\n');`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: PACKAGE,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pause();
    const chunks: Buffer[] = [];
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    setTimeout(() => {
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.stdout.resume();
    }, 300);
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect({ code, err }).toEqual({ code: 0, err: 'done\n' });
    const lines = Buffer.concat(chunks).toString().split('\n');
    expect(lines).toHaveLength(20001);
    expect(lines.every((line, i) => i === 20000 || line === String(i).padStart(99, '.'))).toBe(true);
  }, 60_000);
});

describe('the built CLI', () => {
  it('prints help whole to a pipe, and exits 0 without a stack when the reader is gone', async () => {
    const bin = resolve(import.meta.dirname, '../../bin/quickship.js');
    const run = (closeEarly: boolean) =>
      new Promise<{ code: number | null; out: string; err: string }>((done, fail) => {
        const child = spawn(process.execPath, [bin, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        if (closeEarly) child.stdout.destroy();
        else child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
        child.on('error', fail);
        child.on('close', (code) => done({ code, out, err }));
      });
    const whole = await run(false);
    expect(whole).toMatchObject({ code: 0, err: '' });
    expect(whole.out).toMatch(/^Usage: quickship \[options\] \[command\]/);
    expect(whole.out).toMatch(/\n {2}lint \[options\] +Validate the Rollouts/);
    expect(await run(true)).toEqual({ code: 0, out: '', err: '' });
  }, 60_000);
});
