// The console in the engine process: builds the page when its build is missing or stale
// (packages/console/build.mjs, Vite), then serves it (server.ts).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.ts';
import { consolePanels } from './panels.ts';
import { startConsoleServer, type ConsoleServer } from './server.ts';

export { DEFAULT_CONSOLE_PORT, type ConsoleServer } from './server.ts';

const CONSOLE_PACKAGE = fileURLToPath(new URL('../../../console/', import.meta.url));

export class ConsoleBuildError extends UserError {
  constructor(detail: string) {
    super(
      `the console page did not build: ${detail}`,
      'run `npm run build -w @quickship/console` to see the whole error, or `npm ci` if Vite is missing',
    );
    this.name = 'ConsoleBuildError';
  }
}

/** Runs the build script in a child process (Vite stays out of the engine's memory). */
export function ensureConsoleBuilt(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(CONSOLE_PACKAGE, 'build.mjs')], { timeout: 120_000 }, (error, _stdout, stderr) => {
      if (error) reject(new ConsoleBuildError(stderr.trim().split('\n').slice(-3).join(' ') || error.message));
      else resolve(join(CONSOLE_PACKAGE, 'dist'));
    });
  });
}

export interface StartConsoleOptions {
  readonly apiUrl: string;
  readonly port: number;
  readonly prometheusUrl?: () => string | undefined;
  readonly scrapeIntervalSeconds?: number;
  readonly token?: string;
}

export async function startConsole(options: StartConsoleOptions): Promise<ConsoleServer> {
  const assetsDir = await ensureConsoleBuilt();
  let panels: Promise<Awaited<ReturnType<typeof consolePanels>>> | undefined;
  return startConsoleServer({
    apiUrl: options.apiUrl,
    port: options.port,
    assetsDir,
    ...(options.token ? { token: options.token } : {}),
    ...(options.prometheusUrl ? { prometheusUrl: options.prometheusUrl } : {}),
    ...(options.scrapeIntervalSeconds ? { scrapeIntervalSeconds: options.scrapeIntervalSeconds } : {}),
    panels: () => (panels ??= consolePanels()),
  });
}
