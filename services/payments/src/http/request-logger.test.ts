import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LazyRequestLogger } from './request-logger.ts';

function capture(level: string): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

describe('LazyRequestLogger', () => {
  it('writes enabled lines with the request bindings, and skips filtered ones without a child', () => {
    const { logger, lines } = capture('info');
    let children = 0;
    const parent = Object.assign(Object.create(logger) as pino.Logger, {
      child: (...args: Parameters<pino.Logger['child']>) => {
        children += 1;
        return logger.child(...args);
      },
    });
    const log = new LazyRequestLogger(parent, { request_id: 'req_1' }, {});
    log.debug({ a: 1 }, 'filtered');
    log.trace('filtered too');
    expect(children).toBe(0);
    log.info({ route: '/v1/payments' }, 'request completed');
    log.warn('second line');
    expect(children).toBe(1);
    expect(lines.map((l) => [l.msg, l.request_id, l.route])).toEqual([
      ['request completed', 'req_1', '/v1/payments'],
      ['second line', 'req_1', undefined],
    ]);
  });

  it('follows a level change made on the request logger', () => {
    const { logger, lines } = capture('warn');
    const log = new LazyRequestLogger(logger, { request_id: 'req_2' }, {});
    expect(log.level).toBe('warn');
    log.level = 'debug';
    log.debug('now visible');
    expect(logger.level).toBe('warn');
    expect(lines.map((l) => l.msg)).toEqual(['now visible']);
  });
});
