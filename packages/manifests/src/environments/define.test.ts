// Environments: overrides change only what they name, optional blocks can be dropped, and each
// invariant throws with the offending values.
import { describe, expect, it } from 'vitest';
import { EnvironmentInvariantError } from '../errors.ts';
import { base } from './base.ts';
import { defineEnvironment, type Overrides } from './define.ts';
import { eks, local } from './index.ts';
import type { EnvironmentConfig } from './types.ts';

const define = (overrides: Overrides<EnvironmentConfig>): EnvironmentConfig =>
  defineEnvironment(base, { name: 'test', ...overrides });

describe('defineEnvironment', () => {
  it('changes only the fields named, field by field inside nested objects', () => {
    const env = define({ rollout: { replicas: 4 }, resources: { requests: { cpu: '300m' } } });
    expect(env.rollout).toEqual({ ...base.rollout, replicas: 4 });
    expect(env.resources.requests).toEqual({ cpu: '300m', memory: base.resources.requests.memory });
    expect(env.shutdown).toEqual(base.shutdown);
  });

  it('drops an optional block with null and adds one wholesale', () => {
    const env = define({
      monitoring: null,
      ingress: { host: 'pay.example.org', scheme: 'internal', deregistrationDelaySeconds: 5 },
    });
    expect(env.monitoring).toBeUndefined();
    expect(env.ingress?.host).toBe('pay.example.org');
    expect(base.monitoring).toBeDefined();
  });

  it('documents how local differs from eks', () => {
    expect(local.rollout.replicas).toBe(1);
    expect(local.rollout.zoneSpread).toBe(false);
    expect([
      local.ingress,
      local.externalSecrets,
      local.monitoring,
      local.autoscaling,
      local.argocd,
      local.aws,
    ]).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    expect(local.outputDir).toBe('deploy/environments/local');
    expect(eks.outputDir).toBe('deploy');
    expect(eks.rollout).toEqual(base.rollout);
  });

  const cases: [string, Overrides<EnvironmentConfig>, RegExp][] = [
    [
      'a grace period shorter than preStop + drain',
      { shutdown: { terminationGracePeriodSeconds: 20 } },
      /'shutdown\.terminationGracePeriodSeconds' \(20s\) must be ≥ preStop \(10s\) \+ SHUTDOWN_DELAY_MS \(2000ms\) \+ SHUTDOWN_TIMEOUT_MS \(20000ms\) = 32s/,
    ],
    [
      'a drain delay not shorter than the drain deadline',
      { shutdown: { shutdownDelayMs: 20000 } },
      /'shutdown\.shutdownDelayMs' \(20000\) must be less than 'shutdown\.shutdownTimeoutMs' \(20000\)/,
    ],
    [
      'zone spread with one replica',
      { rollout: { replicas: 1 }, autoscaling: null },
      /'rollout\.zoneSpread' needs 'rollout\.replicas' ≥ 2, got 1/,
    ],
    [
      'a PDB that allows every replica to go',
      { disruptionBudget: { maxUnavailable: 3 } },
      /'disruptionBudget\.maxUnavailable' \(3\) must be below the replica floor \(3\)/,
    ],
    [
      'replicas outside the autoscaler range',
      { rollout: { replicas: 20 } },
      /'rollout\.replicas' \(20\) must be within autoscaling 3\.\.12/,
    ],
    [
      'a rollback window reaching past the kept ReplicaSets',
      { rollout: { rollbackWindowRevisions: 4 } },
      /'rollout\.rollbackWindowRevisions' \(4\) must be ≤ 'rollout\.revisionHistoryLimit' \(3\)/,
    ],
    [
      'requests above limits',
      { resources: { requests: { memory: '1Gi' } } },
      /'resources\.requests\.memory' \(1Gi\) must not exceed 'resources\.limits\.memory' \(512Mi\)/,
    ],
    [
      'a malformed quantity',
      { resources: { limits: { cpu: 'one' } } },
      /'resources\.limits\.cpu' \("one"\) is not a Kubernetes quantity/,
    ],
    [
      'a malformed CIDR',
      { network: { databaseCidrs: ['10.0.0.0/33'] } },
      /'network\.databaseCidrs' entry "10\.0\.0\.0\/33" is not an IPv4 CIDR/,
    ],
    [
      'a fault rate above 1',
      { settings: { faultErrorRate: 1.5 } },
      /'settings\.faultErrorRate' \(1\.5\) must be within 0\.\.1/,
    ],
    [
      'an analysis window that is not a duration',
      { analysis: { window: 'five minutes' } },
      /'analysis\.window' \("five minutes"\) must be a duration/,
    ],
    [
      'an output folder outside deploy/',
      { outputDir: 'manifests' },
      /'outputDir' \("manifests"\) must be "deploy" or a folder under it/,
    ],
  ];
  it.each(cases)('rejects %s, naming the values', (_what, overrides, message) => {
    expect(() => define(overrides)).toThrow(EnvironmentInvariantError);
    expect(() => define(overrides)).toThrow(message);
  });
});
