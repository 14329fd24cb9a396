import { describe, expect, it } from 'vitest';
import { resolveEnv, type EnvSources } from './env.ts';

const sources: EnvSources = {
  namespace: 'payments',
  configMaps: new Map([['payments-config', { LOG_LEVEL: 'warn' }]]),
  secrets: new Map([['payments-secrets', { EXTRA: 'from-file' }]]),
  builtIns: { DATABASE_URL: 'postgres://127.0.0.1:5432/payments', PAYMENTS_API_KEYS: 'dev:sk_test_x' },
};

describe('resolveEnv (the kubelet rules over local stand-ins)', () => {
  it('resolves values, $(VAR) references, ConfigMaps, the secret file and the built-ins', () => {
    const result = resolveEnv(
      [
        { name: 'APP_VERSION', value: '1.2.3' },
        { name: 'LABEL', value: 'v$(APP_VERSION)-$(UNKNOWN)' },
        { name: 'LOG_LEVEL', configMapKeyRef: { name: 'payments-config', key: 'LOG_LEVEL' } },
        { name: 'EXTRA', secretKeyRef: { name: 'payments-secrets', key: 'EXTRA' } },
        { name: 'DATABASE_URL', secretKeyRef: { name: 'payments-secrets', key: 'DATABASE_URL' } },
        { name: 'KEYS', secretKeyRef: { name: 'anything', key: 'PAYMENTS_API_KEYS' } },
      ],
      sources,
    );
    expect(result).toEqual({
      ok: true,
      env: {
        APP_VERSION: '1.2.3',
        LABEL: 'v1.2.3-$(UNKNOWN)',
        LOG_LEVEL: 'warn',
        EXTRA: 'from-file',
        DATABASE_URL: 'postgres://127.0.0.1:5432/payments',
        KEYS: 'dev:sk_test_x',
      },
    });
  });

  it('skips a missing optional reference', () => {
    expect(resolveEnv([{ name: 'X', configMapKeyRef: { name: 'nope', key: 'X', optional: true } }], sources)).toEqual({
      ok: true,
      env: {},
    });
  });

  it('fails like CreateContainerConfigError on a missing ConfigMap, key or secret', () => {
    expect(resolveEnv([{ name: 'X', configMapKeyRef: { name: 'nope', key: 'X' } }], sources)).toMatchObject({
      ok: false,
      reason: 'CreateContainerConfigError',
      message: expect.stringMatching(/^configmap "nope" not found/),
    });
    expect(resolveEnv([{ name: 'X', configMapKeyRef: { name: 'payments-config', key: 'X' } }], sources)).toMatchObject({
      ok: false,
      message: "couldn't find key X in ConfigMap payments/payments-config",
    });
    expect(resolveEnv([{ name: 'X', secretKeyRef: { name: 'vault', key: 'TOKEN' } }], sources)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^secret "vault" key TOKEN not found .*\.quickship\/secrets\.json/),
    });
  });
});
