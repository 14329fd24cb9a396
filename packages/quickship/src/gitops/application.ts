// An Argo CD Application (argoproj.io/v1alpha1) read into what the local application controller
// acts on, with Argo CD's defaults; every field it does not act on is listed, never dropped.
// Field names and defaults: argo-cd pkg/apis/application/v1alpha1/types.go and the sync/compare
// option docs (user-guide/sync-options.md, compare-options.md). Pure.
import type { KubeObject } from '../store/object.ts';
import { UserError } from '../errors.ts';

export interface IgnoreDifference {
  readonly group: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly jsonPointers: readonly string[];
  readonly jqPathExpressions: readonly string[];
  readonly managedFieldsManagers: readonly string[];
}

export interface RetryStrategy {
  /** Attempts after the first; Argo CD: limit 0 means no retry, a negative limit retries forever. */
  readonly limit: number;
  readonly backoff: { readonly durationMs: number; readonly factor: number; readonly maxDurationMs: number };
}

export interface AppSpec {
  readonly name: string;
  readonly namespace: string;
  readonly project: string;
  readonly repoURL: string;
  readonly targetRevision: string;
  readonly path: string;
  readonly recurse: boolean;
  readonly destinationServer: string;
  readonly destinationNamespace: string;
  readonly automated?: { readonly prune: boolean; readonly selfHeal: boolean; readonly allowEmpty: boolean };
  readonly syncOptions: ReadonlySet<string>;
  readonly compareOptions: ReadonlySet<string>;
  readonly retry?: RetryStrategy;
  readonly ignoreDifferences: readonly IgnoreDifference[];
  readonly revisionHistoryLimit: number;
  /** Fields present that the local controller does not act on, with why. */
  readonly unsupported: readonly string[];
}

export class InvalidApplicationError extends UserError {
  constructor(name: string, problem: string) {
    super(
      `Application ${name}: ${problem}`,
      'fix the Application in packages/manifests/src/argocd, `npm run render`, commit',
      'BadRequest',
    );
  }
}

/** The sync options QuickShip acts on (others are listed as unsupported). */
export const SUPPORTED_SYNC_OPTIONS = new Set([
  'ServerSideApply=true',
  'PruneLast=true',
  'RespectIgnoreDifferences=true',
  'SkipDryRunOnMissingResource=true',
  'CreateNamespace=true',
  'Prune=false',
]);

const rec = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function isApplication(object: KubeObject): boolean {
  return object.kind === 'Application' && object.apiVersion.startsWith('argoproj.io/');
}

/** Argo CD durations: "10s", "5m", "1h" or a number of seconds. */
export function parseArgoDuration(value: unknown, fallbackMs: number): number {
  if (typeof value === 'number') return value * 1000;
  const text = str(value);
  if (text === '') return fallbackMs;
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = re.exec(text))) {
    total += Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
    consumed += match[0].length;
  }
  if (consumed !== text.length) {
    if (/^\d+$/.test(text)) return Number(text) * 1000;
    return fallbackMs;
  }
  return total;
}

export function parseApplication(object: KubeObject): AppSpec {
  const name = object.metadata.name;
  const spec = rec(object.spec);
  const unsupported: string[] = [];
  if (spec.sources !== undefined) unsupported.push('spec.sources (multiple sources): only spec.source is read locally');
  const source = rec(spec.source);
  if (spec.source === undefined) throw new InvalidApplicationError(name, 'spec.source is required');
  const repoURL = str(source.repoURL);
  if (repoURL === '') throw new InvalidApplicationError(name, 'spec.source.repoURL is required');
  for (const tool of ['helm', 'kustomize', 'plugin', 'chart'] as const) {
    if (source[tool] !== undefined)
      unsupported.push(`spec.source.${tool}: only plain directories of manifests are rendered locally`);
  }
  const directory = rec(source.directory);
  for (const key of ['include', 'exclude', 'jsonnet'] as const) {
    if (directory[key] !== undefined) unsupported.push(`spec.source.directory.${key}`);
  }
  const destination = rec(spec.destination);
  const policy = rec(spec.syncPolicy);
  const automated = policy.automated === undefined ? undefined : rec(policy.automated);
  if (automated && automated.enabled === false)
    unsupported.push('spec.syncPolicy.automated.enabled=false is read as manual sync');
  const syncOptions = new Set(strings(policy.syncOptions));
  for (const option of syncOptions) {
    if (!SUPPORTED_SYNC_OPTIONS.has(option)) unsupported.push(`syncOptions ${option}`);
  }
  const annotations = object.metadata.annotations ?? {};
  const compareOptions = new Set(
    str(annotations['argocd.argoproj.io/compare-options'])
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const retry = policy.retry === undefined ? undefined : rec(policy.retry);
  const backoff = rec(retry?.backoff);
  const ignoreDifferences = (Array.isArray(spec.ignoreDifferences) ? spec.ignoreDifferences : []).map((raw) => {
    const entry = rec(raw);
    const jq = strings(entry.jqPathExpressions);
    if (jq.length > 0)
      unsupported.push(
        `ignoreDifferences jqPathExpressions ${jq.join(', ')}: only jsonPointers and managedFieldsManagers are honoured`,
      );
    return {
      group: str(entry.group),
      kind: str(entry.kind),
      ...(typeof entry.name === 'string' ? { name: entry.name } : {}),
      ...(typeof entry.namespace === 'string' ? { namespace: entry.namespace } : {}),
      jsonPointers: strings(entry.jsonPointers),
      jqPathExpressions: jq,
      managedFieldsManagers: strings(entry.managedFieldsManagers),
    };
  });
  const automatedPolicy =
    automated && automated.enabled !== false
      ? {
          prune: automated.prune === true,
          selfHeal: automated.selfHeal === true,
          allowEmpty: automated.allowEmpty === true,
        }
      : undefined;
  return {
    name,
    namespace: object.metadata.namespace ?? 'argocd',
    project: str(spec.project, 'default'),
    repoURL,
    targetRevision: str(source.targetRevision, 'HEAD'),
    path: str(source.path, '.'),
    recurse: directory.recurse === true,
    destinationServer: str(destination.server, str(destination.name)),
    destinationNamespace: str(destination.namespace),
    ...(automatedPolicy ? { automated: automatedPolicy } : {}),
    syncOptions,
    compareOptions,
    ...(retry
      ? {
          retry: {
            // types.go RetryStrategy.Limit: 0 (the default) means no retry; a negative limit retries forever.
            limit: typeof retry.limit === 'number' ? retry.limit : 0,
            backoff: {
              durationMs: parseArgoDuration(backoff.duration, 5_000),
              factor: typeof backoff.factor === 'number' ? backoff.factor : 2,
              maxDurationMs: parseArgoDuration(backoff.maxDuration, 180_000),
            },
          },
        }
      : {}),
    ignoreDifferences,
    revisionHistoryLimit: typeof spec.revisionHistoryLimit === 'number' ? spec.revisionHistoryLimit : 10,
    unsupported,
  };
}

/** An AppProject's rules the local controller enforces: source repos, destinations, kind lists. */
export interface ProjectRules {
  readonly name: string;
  readonly sourceRepos: readonly string[];
  readonly destinations: readonly { readonly server: string; readonly namespace: string }[];
  readonly clusterResourceWhitelist?: readonly { readonly group: string; readonly kind: string }[];
  readonly namespaceResourceWhitelist?: readonly { readonly group: string; readonly kind: string }[];
  readonly clusterResourceBlacklist: readonly { readonly group: string; readonly kind: string }[];
  readonly namespaceResourceBlacklist: readonly { readonly group: string; readonly kind: string }[];
}

const groupKinds = (v: unknown): { group: string; kind: string }[] =>
  (Array.isArray(v) ? v : []).map((e) => ({ group: str(rec(e).group), kind: str(rec(e).kind) }));

export function parseProject(object: KubeObject): ProjectRules {
  const spec = rec(object.spec);
  return {
    name: object.metadata.name,
    sourceRepos: strings(spec.sourceRepos),
    destinations: (Array.isArray(spec.destinations) ? spec.destinations : []).map((d) => ({
      server: str(rec(d).server, str(rec(d).name)),
      namespace: str(rec(d).namespace),
    })),
    ...(spec.clusterResourceWhitelist !== undefined
      ? { clusterResourceWhitelist: groupKinds(spec.clusterResourceWhitelist) }
      : {}),
    ...(spec.namespaceResourceWhitelist !== undefined
      ? { namespaceResourceWhitelist: groupKinds(spec.namespaceResourceWhitelist) }
      : {}),
    clusterResourceBlacklist: groupKinds(spec.clusterResourceBlacklist),
    namespaceResourceBlacklist: groupKinds(spec.namespaceResourceBlacklist),
  };
}

/** Argo CD's built-in "default" project: everything allowed. */
export const DEFAULT_PROJECT: ProjectRules = {
  name: 'default',
  sourceRepos: ['*'],
  destinations: [{ server: '*', namespace: '*' }],
  clusterResourceWhitelist: [{ group: '*', kind: '*' }],
  clusterResourceBlacklist: [],
  namespaceResourceBlacklist: [],
};

/** Argo CD's glob match for project fields ("*" anything; otherwise exact or shell-style glob). */
export function globMatch(pattern: string, value: string): boolean {
  if (pattern === '*' || pattern === value) return true;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
  );
  return re.test(value);
}
