// Builds an environment from the base plus the fields that differ, then checks the invariants the
// rendered objects rely on. A broken rule throws at definition time with the offending values,
// so a bad environment never reaches deploy/.
import { EnvironmentInvariantError } from '../errors.ts';
import { parseQuantity } from '../k8s/quantity.ts';
import type { EnvironmentConfig } from './types.ts';

type Plain = string | number | boolean | RegExp | readonly unknown[];

/**
 * What an environment may change: nested required objects field by field; an optional block
 * (ingress, monitoring, …) wholesale, or `null` to drop it from this environment.
 */
export type Overrides<T> = {
  readonly [K in keyof T]?: undefined extends T[K]
    ? NonNullable<T[K]> | null
    : T[K] extends Plain
      ? T[K]
      : Overrides<T[K]>;
};

export function defineEnvironment(base: EnvironmentConfig, overrides: Overrides<EnvironmentConfig>): EnvironmentConfig {
  const config = merge(base, overrides) as EnvironmentConfig;
  checkInvariants(config);
  return config;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RegExp);
}

function merge(base: unknown, overrides: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(overrides)) return overrides;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (value === null) delete out[key];
    else out[key] = merge(base[key], value);
  }
  return out;
}

const DURATION = /^\d+(?:ms|s|m|h)$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function isIpv4Cidr(value: string): boolean {
  const match = CIDR.exec(value);
  if (!match) return false;
  const [, a, b, c, d, bits] = match.map(Number);
  return [a, b, c, d].every((octet) => octet !== undefined && octet <= 255) && bits !== undefined && bits <= 32;
}

function checkInvariants(env: EnvironmentConfig): void {
  const fail = (message: string): never => {
    throw new EnvironmentInvariantError(env.name || '(unnamed)', message);
  };
  const integer = (path: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void => {
    if (!Number.isInteger(value) || value < min || value > max)
      fail(`'${path}' (${value}) must be an integer in ${min}..${max}`);
  };

  if (!/^[a-z][a-z0-9-]*$/.test(env.name))
    fail(`'name' (${JSON.stringify(env.name)}) must be a lowercase key like "eks"`);
  if (!/^deploy(?:\/[a-z0-9][a-z0-9-]*)*$/.test(env.outputDir)) {
    fail(
      `'outputDir' (${JSON.stringify(env.outputDir)}) must be "deploy" or a folder under it, e.g. "deploy/environments/local"`,
    );
  }
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(env.namespace))
    fail(`'namespace' (${JSON.stringify(env.namespace)}) is not a DNS label`);

  const { rollout, shutdown, settings, network, analysis, disruptionBudget, autoscaling } = env;
  integer('rollout.replicas', rollout.replicas, 1);
  if (rollout.zoneSpread && rollout.replicas < 2) {
    fail(
      `'rollout.zoneSpread' needs 'rollout.replicas' ≥ 2, got ${rollout.replicas}; raise replicas or set zoneSpread: false`,
    );
  }
  integer('rollout.revisionHistoryLimit', rollout.revisionHistoryLimit, 1);
  integer('rollout.scaleDownDelaySeconds', rollout.scaleDownDelaySeconds, 0);
  integer('rollout.abortScaleDownDelaySeconds', rollout.abortScaleDownDelaySeconds, 0);
  integer('rollout.progressDeadlineSeconds', rollout.progressDeadlineSeconds, 1);
  integer('rollout.rollbackWindowRevisions', rollout.rollbackWindowRevisions, 0);
  if (rollout.rollbackWindowRevisions > rollout.revisionHistoryLimit) {
    // A rollback can only be fast-tracked to a ReplicaSet that still exists.
    fail(
      `'rollout.rollbackWindowRevisions' (${rollout.rollbackWindowRevisions}) must be ≤ 'rollout.revisionHistoryLimit' (${rollout.revisionHistoryLimit}): older ReplicaSets are deleted`,
    );
  }

  integer('shutdown.preStopSleepSeconds', shutdown.preStopSleepSeconds, 1);
  integer('shutdown.shutdownDelayMs', shutdown.shutdownDelayMs, 0);
  integer('shutdown.shutdownTimeoutMs', shutdown.shutdownTimeoutMs, 1000, 3_600_000);
  if (shutdown.shutdownDelayMs >= shutdown.shutdownTimeoutMs) {
    // services/payments/src/config.ts refuses this (the delay is the first part of the drain).
    fail(
      `'shutdown.shutdownDelayMs' (${shutdown.shutdownDelayMs}) must be less than 'shutdown.shutdownTimeoutMs' (${shutdown.shutdownTimeoutMs})`,
    );
  }
  const needed =
    shutdown.preStopSleepSeconds + Math.ceil((shutdown.shutdownDelayMs + shutdown.shutdownTimeoutMs) / 1000);
  if (shutdown.terminationGracePeriodSeconds < needed) {
    fail(
      `'shutdown.terminationGracePeriodSeconds' (${shutdown.terminationGracePeriodSeconds}s) must be ≥ preStop (${shutdown.preStopSleepSeconds}s) + ` +
        `SHUTDOWN_DELAY_MS (${shutdown.shutdownDelayMs}ms) + SHUTDOWN_TIMEOUT_MS (${shutdown.shutdownTimeoutMs}ms) = ${needed}s, or in-flight requests are cut by SIGKILL`,
    );
  }

  for (const kind of ['cpu', 'memory'] as const) {
    const request =
      parseQuantity(env.resources.requests[kind]) ??
      fail(
        `'resources.requests.${kind}' (${JSON.stringify(env.resources.requests[kind])}) is not a Kubernetes quantity`,
      );
    const limit =
      parseQuantity(env.resources.limits[kind]) ??
      fail(`'resources.limits.${kind}' (${JSON.stringify(env.resources.limits[kind])}) is not a Kubernetes quantity`);
    if (request > limit)
      fail(
        `'resources.requests.${kind}' (${env.resources.requests[kind]}) must not exceed 'resources.limits.${kind}' (${env.resources.limits[kind]})`,
      );
  }

  integer('settings.dbPoolMax', settings.dbPoolMax, 1, 1000);
  integer('settings.faultLatencyMs', settings.faultLatencyMs, 0, 60_000);
  if (!(settings.faultErrorRate >= 0 && settings.faultErrorRate <= 1))
    fail(`'settings.faultErrorRate' (${settings.faultErrorRate}) must be within 0..1`);

  for (const [path, cidrs] of [
    ['network.loadBalancerCidrs', network.loadBalancerCidrs],
    ['network.databaseCidrs', network.databaseCidrs],
  ] as const) {
    if (cidrs.length === 0) fail(`'${path}' must list at least one CIDR`);
    for (const cidr of cidrs)
      if (!isIpv4Cidr(cidr)) fail(`'${path}' entry ${JSON.stringify(cidr)} is not an IPv4 CIDR like 10.0.0.0/16`);
  }
  integer('network.databasePort', network.databasePort, 1, 65535);

  if (!(analysis.maxErrorRatio > 0 && analysis.maxErrorRatio < 1))
    fail(`'analysis.maxErrorRatio' (${analysis.maxErrorRatio}) must be within (0, 1)`);
  if (!(analysis.maxP99Seconds > 0)) fail(`'analysis.maxP99Seconds' (${analysis.maxP99Seconds}) must be > 0`);
  for (const key of ['window', 'initialDelay', 'interval'] as const) {
    if (!DURATION.test(analysis[key]))
      fail(`'analysis.${key}' (${JSON.stringify(analysis[key])}) must be a duration like "30s" or "5m"`);
  }
  integer('analysis.count', analysis.count, 1, 100);
  integer('analysis.smokeDeadlineSeconds', analysis.smokeDeadlineSeconds, 10, 3600);

  integer('disruptionBudget.maxUnavailable', disruptionBudget.maxUnavailable, 1);
  const floor = autoscaling?.minReplicas ?? rollout.replicas;
  if (floor > 1 && disruptionBudget.maxUnavailable >= floor) {
    fail(
      `'disruptionBudget.maxUnavailable' (${disruptionBudget.maxUnavailable}) must be below the replica floor (${floor}), or a node drain may take every replica`,
    );
  }

  if (autoscaling) {
    integer('autoscaling.minReplicas', autoscaling.minReplicas, 1);
    integer('autoscaling.maxReplicas', autoscaling.maxReplicas, autoscaling.minReplicas);
    integer('autoscaling.cpuUtilization', autoscaling.cpuUtilization, 1, 100);
    if (rollout.replicas < autoscaling.minReplicas || rollout.replicas > autoscaling.maxReplicas) {
      fail(
        `'rollout.replicas' (${rollout.replicas}) must be within autoscaling ${autoscaling.minReplicas}..${autoscaling.maxReplicas}, or the HPA rescales every sync`,
      );
    }
    if (rollout.zoneSpread && autoscaling.minReplicas < 2)
      fail(`'autoscaling.minReplicas' (${autoscaling.minReplicas}) must be ≥ 2 with zone spread`);
  }

  if (env.ingress) {
    if (!/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/.test(env.ingress.host))
      fail(`'ingress.host' (${JSON.stringify(env.ingress.host)}) is not a DNS name`);
    integer('ingress.deregistrationDelaySeconds', env.ingress.deregistrationDelaySeconds, 0, 3600);
  }
  if (env.externalSecrets && !DURATION.test(env.externalSecrets.refreshInterval)) {
    fail(
      `'externalSecrets.refreshInterval' (${JSON.stringify(env.externalSecrets.refreshInterval)}) must be a duration like "1h"`,
    );
  }
  if (env.monitoring) {
    if (!/^https?:\/\/[^\s/]+(:\d+)?$/.test(env.monitoring.prometheusUrl))
      fail(`'monitoring.prometheusUrl' (${JSON.stringify(env.monitoring.prometheusUrl)}) must be http(s)://host:port`);
    if (!DURATION.test(env.monitoring.scrapeInterval))
      fail(`'monitoring.scrapeInterval' (${JSON.stringify(env.monitoring.scrapeInterval)}) must be a duration`);
  }
  if (env.aws && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(env.aws.region))
    fail(`'aws.region' (${JSON.stringify(env.aws.region)}) is not an AWS region like eu-west-1`);
  if (env.argocd && !/^https:\/\/\S+\.git$/.test(env.argocd.repoURL))
    fail(`'argocd.repoURL' (${JSON.stringify(env.argocd.repoURL)}) must be an https clone URL ending in .git`);
}
