// `quickship scale <rollout> --replicas N`: sets /spec/replicas on the live Rollout. The payments
// Application ignores that field (ignoreDifferences + RespectIgnoreDifferences: the HPA owns it in
// the cluster), so the app stays Synced and nothing reverts it — as in the cluster.
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_API_URL } from '../../api/client.ts';
import { GitOpsClient } from '../../api/gitops-client.ts';
import { rolloutAddress } from './rollout-address.ts';
import { printLine } from '../output.ts';

function replicas(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 20)
    throw new InvalidArgumentError(`"${value}" is not a replica count (0-20 locally: each is a process)`);
  return n;
}

export function register(program: Command): void {
  program
    .command('scale')
    .description('Set the live Rollout’s spec.replicas (as kubectl scale does)')
    .argument('<rollout>')
    .requiredOption('--replicas <n>', 'replica count', replicas)
    .action(async (rollout: string, options: { replicas: number }, command: Command) => {
      const c = new GitOpsClient(
        command.optsWithGlobals<{ api?: string }>().api ?? process.env.QUICKSHIP_API ?? DEFAULT_API_URL,
      );
      await c.patch(await rolloutAddress(c, rollout), { spec: { replicas: options.replicas } }, 'kubectl');
      printLine(`rollout.argoproj.io/${rollout} scaled`);
    });
}
