// `quickship alerts [--json]`: what the local engine's Prometheus has pending or firing, from the
// PrometheusRules GitOps synced (the same rules the cluster's Prometheus evaluates).
import type { Command } from 'commander';
import { DEFAULT_API_URL, LocalEngineClient } from '../../api/client.ts';
import { printLine } from '../output.ts';

export function register(program: Command): void {
  program
    .command('alerts')
    .description("List the local Prometheus' pending and firing alerts (the PrometheusRules of deploy/)")
    .option('--json', 'print the alerts as JSON (GET /api/v1/alerts)', false)
    .action(async (options: { json: boolean }, command: Command) => {
      const { api } = command.optsWithGlobals<{ api?: string }>();
      const client = new LocalEngineClient(api ?? process.env.QUICKSHIP_API ?? DEFAULT_API_URL);
      const response = await client.alerts();
      if (options.json) {
        printLine(JSON.stringify(response, null, 2));
        return;
      }
      const { formatAlerts } = await import('../../monitoring/alerts.ts');
      printLine(formatAlerts(response));
    });
}
