// `quickship app list|get|diff|sync|history|rollback`: the shape of `argocd app`, against the
// local engine's application controller (api/gitops-routes.ts).
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_API_URL } from '../../api/client.ts';
import { GitOpsClient } from '../../api/gitops-client.ts';
import type { ApplicationStatus } from '../../gitops/app-status.ts';
import type { KubeObject } from '../../store/object.ts';
import { printLine } from '../output.ts';

function client(command: Command): GitOpsClient {
  const { api } = command.optsWithGlobals<{ api?: string }>();
  return new GitOpsClient(api ?? process.env.QUICKSHIP_API ?? DEFAULT_API_URL);
}

const statusOf = (app: KubeObject): ApplicationStatus | undefined => app.status as ApplicationStatus | undefined;

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatApp(app: KubeObject): string {
  const spec = app.spec as {
    project?: string;
    source?: { repoURL?: string; path?: string; targetRevision?: string };
    destination?: { namespace?: string };
    syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean } };
  };
  const status = statusOf(app);
  const op = status?.operationState;
  const automated = spec.syncPolicy?.automated;
  const lines = [
    `Name:               ${app.metadata.namespace}/${app.metadata.name}`,
    `Project:            ${spec.project ?? 'default'}`,
    `Repo:               ${spec.source?.repoURL ?? ''}`,
    `Target:             ${spec.source?.targetRevision ?? 'HEAD'}`,
    `Path:               ${spec.source?.path ?? ''}`,
    `Namespace:          ${spec.destination?.namespace ?? ''}`,
    `Sync Policy:        ${automated ? `Automated${automated.prune ? ' (Prune)' : ''}${automated.selfHeal ? ' (SelfHeal)' : ''}` : 'Manual'}`,
    `Sync Status:        ${status?.sync.status ?? 'Unknown'} to ${status?.sync.revision?.slice(0, 7) ?? '?'}${status?.revisionSubject ? ` (${status.revisionSubject})` : ''}`,
    `Health Status:      ${status?.health.status ?? 'Unknown'}${status?.health.message ? ` (${status.health.message})` : ''}`,
  ];
  if (op) {
    lines.push(
      '',
      `Operation:          Sync (${op.operation.initiatedBy.automated ? 'automated' : (op.operation.initiatedBy.username ?? '')})`,
    );
    lines.push(
      `Sync Revision:      ${op.syncResult.revision.slice(0, 7)}`,
      `Phase:              ${op.phase}`,
      `Start:              ${op.startedAt}`,
    );
    if (op.finishedAt) lines.push(`Finished:           ${op.finishedAt}`);
    lines.push(`Message:            ${op.message}`);
  }
  for (const c of status?.conditions ?? []) lines.push('', `CONDITION ${c.type}: ${c.message}`);
  for (const note of status?.localNotes ?? []) lines.push(`note: ${note}`);
  const resources = status?.resources ?? [];
  if (resources.length > 0) {
    lines.push(
      '',
      table([
        ['GROUP', 'KIND', 'NAMESPACE', 'NAME', 'STATUS', 'HEALTH', 'MESSAGE'],
        ...resources.map((r) => [
          r.group,
          r.kind,
          r.namespace ?? '',
          r.name,
          r.requiresPruning ? 'OutOfSync (requires pruning)' : r.status,
          r.health?.status ?? '',
          r.health?.message ?? '',
        ]),
      ]),
    );
  }
  const hooks = (op?.syncResult.resources ?? []).filter((r) => r.hookType);
  if (hooks.length > 0) {
    lines.push(
      '',
      table([
        ['HOOK', 'KIND', 'NAME', 'PHASE', 'MESSAGE'],
        ...hooks.map((h) => [h.hookType ?? '', h.kind, h.name, h.hookPhase ?? '', h.message]),
      ]),
    );
  }
  return lines.join('\n');
}

function historyId(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`"${value}" is not a history id (see \`quickship app history <app>\`)`);
  return n;
}

export function register(program: Command): void {
  const app = program
    .command('app')
    .description('Argo CD Applications synced from Git by the local engine (argocd app …)');
  app
    .command('list')
    .description('Every Application with its sync status, health and revision')
    .action(async (_options: unknown, command: Command) => {
      const apps = await client(command).applications();
      printLine(
        table([
          ['NAME', 'PROJECT', 'SYNC', 'HEALTH', 'REVISION', 'PATH'],
          ...apps.map((a) => {
            const s = statusOf(a);
            const spec = a.spec as { project?: string; source?: { path?: string } };
            return [
              a.metadata.name,
              spec.project ?? 'default',
              s?.sync.status ?? 'Unknown',
              s?.health.status ?? 'Unknown',
              s?.sync.revision?.slice(0, 7) ?? '',
              spec.source?.path ?? '',
            ];
          }),
        ]),
      );
    });
  app
    .command('get')
    .description('One Application: source, sync and health, the last operation, its resources and hooks')
    .argument('<name>')
    .option('-o, --output <format>', 'json for the whole object')
    .action(async (name: string, options: { output?: string }, command: Command) => {
      const object = await client(command).application(name);
      printLine(options.output === 'json' ? JSON.stringify(object, null, 2) : formatApp(object));
    });
  app
    .command('diff')
    .description('What differs between Git (at the resolved commit) and the live objects; exit 1 when anything does')
    .argument('<name>')
    .action(async (name: string, _options: unknown, command: Command) => {
      const diff = await client(command).diff(name);
      if (diff) {
        printLine(diff);
        process.exitCode = 1;
      }
    });
  app
    .command('sync')
    .description('Sync the Application now (the resolved commit, or --revision) and wait for the result')
    .argument('<name>')
    .option('--prune', 'delete live objects that Git no longer has')
    .option('--revision <rev>', 'a branch, tag or commit instead of the targetRevision')
    .option('--async', 'do not wait for the operation to finish')
    .action(
      async (name: string, options: { prune?: boolean; revision?: string; async?: boolean }, command: Command) => {
        const c = client(command);
        printLine(
          await c.sync(name, {
            ...(options.prune ? { prune: true } : {}),
            ...(options.revision ? { revision: options.revision } : {}),
          }),
        );
        if (options.async) return;
        for (;;) {
          const op = statusOf(await c.application(name))?.operationState;
          if (op && op.phase !== 'Running') {
            printLine(`${op.phase}: ${op.message}`);
            if (op.phase !== 'Succeeded') process.exitCode = 1;
            return;
          }
          await new Promise((r) => setTimeout(r, 200));
        }
      },
    );
  app
    .command('history')
    .description('The last syncs (revisionHistoryLimit): id, time, revision')
    .argument('<name>')
    .action(async (name: string, _options: unknown, command: Command) => {
      const items = await client(command).history(name);
      printLine(
        table([
          ['ID', 'DATE', 'REVISION', 'INITIATED BY'],
          ...items.map((h) => [
            String(h.id),
            h.deployedAt,
            h.revision.slice(0, 7),
            h.initiatedBy.automated ? 'automated' : (h.initiatedBy.username ?? ''),
          ]),
        ]),
      );
    });
  app
    .command('rollback')
    .description('Sync an earlier history entry (refused while auto-sync is on, as Argo CD refuses it)')
    .argument('<name>')
    .argument('<id>', 'history id', historyId)
    .action(async (name: string, id: number, _options: unknown, command: Command) => {
      printLine(await client(command).rollback(name, id));
    });
}
