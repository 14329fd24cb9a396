import { describe, expect, it } from 'vitest';
import { InvalidTargetError, isLoopbackHost, loopbackOrigin, NonLoopbackTargetError } from './target.ts';

describe('loopback targets', () => {
  it.each([
    'localhost',
    'LOCALHOST',
    'api.localhost',
    '127.0.0.1',
    '127.1.2.3',
    '127.255.255.255',
    '[::1]',
    '::1',
    '[::ffff:7f00:1]',
  ])('accepts %s', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each([
    '128.0.0.1',
    '10.0.0.1',
    '0.0.0.0',
    '127.0.0.256',
    'example.com',
    'localhost.example.com',
    '[::2]',
    '[::ffff:a00:1]',
    '1.127.0.0',
  ])('refuses %s', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it('parses URLs down to their origin and names the bad value', () => {
    expect(loopbackOrigin('http://127.0.0.1:3000/v1/payments?x=1').href).toBe('http://127.0.0.1:3000/');
    expect(loopbackOrigin('http://[::ffff:127.0.0.1]:80').hostname).toBe('[::ffff:7f00:1]');
    expect(() => loopbackOrigin('http://10.1.2.3:3000')).toThrow(NonLoopbackTargetError);
    expect(() => loopbackOrigin('http://10.1.2.3:3000')).toThrow(/"10\.1\.2\.3".*not loopback/);
    expect(() => loopbackOrigin('127.0.0.1:3000')).toThrow(InvalidTargetError);
    expect(() => loopbackOrigin('ftp://127.0.0.1')).toThrow(/protocol ftp:/);
    expect(() => loopbackOrigin('not a url')).toThrow(/not a URL/);
  });
});
