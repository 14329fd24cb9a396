// The `smoke` entry point (image: services/payments/dist/smoke.mjs; dev: tsx src/smoke/main.ts).
// Prints one line per check and exits 0 only if every check passed: the analysis Job's verdict.
import { readSmokeConfig, SmokeConfigError } from './config.ts';
import { createApiClient } from './http.ts';
import { runSmoke } from './checks.ts';

async function main(): Promise<number> {
  let config;
  try {
    config = readSmokeConfig(process.env);
  } catch (error) {
    if (error instanceof SmokeConfigError) {
      console.error(`smoke: ${error.message}`);
      return 2;
    }
    throw error;
  }
  console.log(`smoke: checking ${config.targetUrl}`);
  const results = await runSmoke(createApiClient(config), (result) =>
    console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${result.name}: ${result.detail}`),
  );
  const failed = results.filter((result) => !result.ok).length;
  console.log(
    failed === 0 ? `smoke: all ${results.length} checks passed` : `smoke: ${failed} of ${results.length} checks failed`,
  );
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
