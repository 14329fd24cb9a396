// `npm run serve`: the payments service alone, in the foreground, configured by the environment.
// Process concerns only: configuration, logger, signals, exit codes. Exit 0 after a clean drain,
// 1 on a drain timeout or a start-up failure, 2 on invalid configuration.
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { startService, type RunningService } from './service.ts';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? `payments: ${error.message}` : error);
  process.exit(2);
}

const logger = createLogger({ level: config.logLevel, version: config.appVersion });
const exit = (code: number): void => {
  logger.flush(() => process.exit(code));
  setTimeout(() => process.exit(code), 1_000).unref();
};

process.on('uncaughtException', (error) => {
  logger.fatal({ err: error }, 'uncaught exception');
  exit(1);
});
process.on('unhandledRejection', (error) => {
  logger.fatal({ err: error }, 'unhandled rejection');
  exit(1);
});

const starting = new AbortController();
let service: RunningService | undefined;

function onSignal(signal: NodeJS.Signals): void {
  if (!service) {
    logger.info({ signal }, 'signal before the service was listening: stopping');
    starting.abort();
    exit(0);
    return;
  }
  if (service.app.lifecycle.draining) {
    logger.warn({ signal }, 'second signal while draining: exiting now');
    exit(1);
    return;
  }
  logger.info({ signal }, 'shutting down');
  // Backstop: whatever happens, the process is gone shortly after SHUTDOWN_TIMEOUT_MS.
  setTimeout(() => exit(1), config.shutdownTimeoutMs + 2_000).unref();
  service.drain().then(
    (result) => exit(result === 'drained' ? 0 : 1),
    (error: unknown) => {
      logger.error({ err: error }, 'drain failed');
      exit(1);
    },
  );
}
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);

try {
  service = await startService(config, logger, { signal: starting.signal });
  logger.info({ url: service.url, host: config.host, port: service.port }, 'payments service listening');
} catch (error) {
  logger.fatal({ err: error }, `start-up failed: ${error instanceof Error ? error.message : String(error)}`);
  exit(1);
}
