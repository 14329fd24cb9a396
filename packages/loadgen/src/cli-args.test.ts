import { describe, expect, it } from 'vitest';
import { parseCli } from './cli-args.ts';

describe('parseCli', () => {
  it('plans a GET run from a URL, 32 connections and 10 s by default', () => {
    const plan = parseCli(['http://127.0.0.1:8080/healthz?x=1'], {});
    expect(plan.load).toMatchObject({
      targets: 'http://127.0.0.1:8080',
      connections: 32,
      durationMs: 10_000,
      workload: { kind: 'get', path: '/healthz?x=1' },
    });
  });

  it('plans a payments run with the key from the environment and a request cap', () => {
    const plan = parseCli(
      ['--payments', '-c', '8', '-n', '500', '--attempts', '3', '--verify', 'http://localhost:3000'],
      { LOADGEN_API_KEY: 'sk_1' },
    );
    expect(plan.load).toMatchObject({
      connections: 8,
      maxRequests: 500,
      durationMs: undefined,
      workload: { kind: 'payments', apiKey: 'sk_1' },
      retry: { maxAttempts: 3 },
    });
    expect(plan.verify).toBe(true);
  });

  it('explains what is wrong', () => {
    expect(() => parseCli([], {})).toThrow(/exactly one target URL/);
    expect(() => parseCli(['--payments', 'http://127.0.0.1:3000'], {})).toThrow(/needs --api-key/);
    expect(() => parseCli(['-c', 'many', 'http://127.0.0.1:3000'], {})).toThrow(/--connections many/);
    expect(() => parseCli(['--verify', 'http://127.0.0.1:3000'], {})).toThrow(/only applies to --payments/);
    expect(() => parseCli(['http://192.168.1.1:3000'], {})).toThrow(/not loopback/);
    expect(() => parseCli(['--bogus', 'http://127.0.0.1'], {})).toThrow(/bogus/);
    expect(parseCli(['-h'], {}).help).toBe(true);
  });
});
