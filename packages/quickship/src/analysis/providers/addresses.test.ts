import { describe, expect, it } from 'vitest';
import { serviceAddressMapper } from './addresses.ts';

describe('serviceAddressMapper', () => {
  const map = serviceAddressMapper(new Map([['payments-preview.payments', 8081]]), 'payments');
  it('maps every form of a Service name to its loopback port', () => {
    expect(map('http://payments-preview.payments.svc.cluster.local')).toBe('http://127.0.0.1:8081');
    expect(map('http://payments-preview.payments.svc.cluster.local:80/v1/x')).toBe('http://127.0.0.1:8081/v1/x');
    expect(map('http://payments-preview.payments:80')).toBe('http://127.0.0.1:8081');
    expect(map('http://payments-preview/healthz')).toBe('http://127.0.0.1:8081/healthz');
  });
  it('leaves other hosts alone', () => {
    expect(map('http://payments-active.payments.svc.cluster.local')).toBe(
      'http://payments-active.payments.svc.cluster.local',
    );
    expect(map('https://example.com/a')).toBe('https://example.com/a');
    expect(map('services/payments/dist/smoke.mjs')).toBe('services/payments/dist/smoke.mjs');
  });
});
