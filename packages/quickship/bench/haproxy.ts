// HAProxy (Debian package, /usr/sbin/haproxy) as the reference proxy of the cutover benchmark:
// a generated config forwarding one loopback port to the same instance the router uses.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HAPROXY_BIN = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';

export interface HaproxyOptions {
  readonly listenPort: number;
  readonly targetPort: number;
  /** Threads; 1 matches the router's single Node.js event loop. */
  readonly threads: number;
}

/**
 * http mode, keep-alive on both sides (client and server connections are reused). Like the
 * router, HAProxy appends X-Forwarded-For and X-Forwarded-Proto, so the instance behind both
 * parses the same request headers (the router's added response headers are not mirrored: they
 * cost the proxy, not the shared instance).
 */
export function haproxyConfig(options: HaproxyOptions): string {
  return [
    'global',
    '  maxconn 2000', // FDs: 2 per connection must fit the process limit
    `  nbthread ${options.threads}`,
    'defaults',
    '  mode http',
    '  option http-keep-alive',
    '  http-reuse always',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout http-keep-alive 30s',
    '  option forwardfor',
    'frontend bench',
    `  bind 127.0.0.1:${options.listenPort}`,
    '  http-request set-header X-Forwarded-Proto http',
    '  default_backend instance',
    'backend instance',
    `  server instance 127.0.0.1:${options.targetPort} maxconn 1000`,
    '',
  ].join('\n');
}

export interface RunningHaproxy {
  readonly url: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export async function startHaproxy(options: HaproxyOptions): Promise<RunningHaproxy> {
  if (!existsSync(HAPROXY_BIN))
    throw new Error(
      `HAProxy not found at ${HAPROXY_BIN}: install it with \`apt-get install -y haproxy\` or set HAPROXY_BIN`,
    );
  const dir = mkdtempSync(join(tmpdir(), 'quickship-haproxy-'));
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(config, haproxyConfig(options));
  // -db: stay in the foreground so stopping the child stops HAProxy.
  const child: ChildProcess = spawn(HAPROXY_BIN, ['-db', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(options.listenPort, 5_000, () => child.exitCode !== null);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`HAProxy did not start: ${stderr.trim() || (error as Error).message}`);
  }
  return {
    url: `http://127.0.0.1:${options.listenPort}`,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, timeoutMs: number, gaveUp: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gaveUp()) throw new Error('exited early');
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} not open after ${timeoutMs} ms`);
}
