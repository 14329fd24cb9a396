import { describe, expect, it } from 'vitest';
import { INCOMPLETE, MAX_HEAD_BYTES, parseRequestHead, UNUSUAL, type RequestHead } from './http1-request.ts';
import { BodyFraming, Framing, parseResponseHead, ResponseError } from './http1-response.ts';

const req = (text: string): ReturnType<typeof parseRequestHead> =>
  parseRequestHead(Buffer.from(text, 'latin1'), '127.0.0.1');

describe('parseRequestHead', () => {
  it('reads a plain request and rewrites its head for upstream', () => {
    const head = req(
      'POST /v1/payments?x=1 HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nContent-Length: 5\r\nIdempotency-Key: k\r\nKeep-Alive: 5\r\n\r\nhello',
    ) as RequestHead;
    expect(head).toMatchObject({ method: 'POST', bodyLength: 5, close: false, idempotencyKey: true });
    expect(head.headLength).toBe(
      Buffer.byteLength(
        'POST /v1/payments?x=1 HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nContent-Length: 5\r\nIdempotency-Key: k\r\nKeep-Alive: 5\r\n\r\n',
      ),
    );
    expect(head.upstreamHead).toBe(
      'POST /v1/payments?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nIdempotency-Key: k\r\nX-Forwarded-For: 127.0.0.1\r\nX-Forwarded-Proto: http\r\n\r\n',
    );
  });

  it('keeps bytes, case, order and repeated headers; drops hop-by-hop ones', () => {
    const head = req(
      'GET / HTTP/1.1\r\nhost: a\r\nX-A: 1\r\nTE: trailers\r\nx-a: 2\r\nProxy-Authorization: x\r\nX-U: \xe9\r\nConnection: close\r\n\r\n',
    ) as RequestHead;
    expect(head.close).toBe(true);
    expect(head.upstreamHead).toBe(
      'GET / HTTP/1.1\r\nhost: a\r\nX-A: 1\r\nx-a: 2\r\nX-U: \xe9\r\nX-Forwarded-For: 127.0.0.1\r\nX-Forwarded-Proto: http\r\n\r\n',
    );
  });

  it('waits for the rest of a head', () => {
    expect(req('GET / HTTP/1.1\r\nHost: a\r\n')).toBe(INCOMPLETE);
    expect(req('GET / HT')).toBe(INCOMPLETE);
    expect(req('')).toBe(INCOMPLETE);
  });

  it('leaves anything but a plain, valid HTTP/1.1 request to Node', () => {
    const unusual = [
      'GET / HTTP/1.0\r\nHost: a\r\n\r\n',
      'GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET / HTTP/1.1\r\n\r\n', // no Host
      'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5x\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, X-Hop\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n folded\r\n\r\n', // obs-fold
      'GET / HTTP/1.1\r\nHost: a\r\nBad Name: 1\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\nX: 1\r\n\r\n', // bare LF
      'GET /\x7f HTTP/1.1\r\nHost: a\r\n\r\n',
      '\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n',
      'CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n',
      'GARBAGE\r\n\r\n',
      `GET / HTTP/1.1\r\nHost: a\r\nX: ${'x'.repeat(MAX_HEAD_BYTES)}\r\n\r\n`,
    ];
    for (const text of unusual) expect([text, req(text)]).toEqual([text, UNUSUAL]);
    expect(req(`GET / HTTP/1.1\r\nHost: a\r\nX: ${'x'.repeat(MAX_HEAD_BYTES)}`)).toBe(UNUSUAL); // too large, still incomplete
  });
});

const res = (text: string, headRequest = false) => parseResponseHead(Buffer.from(text, 'latin1'), headRequest);

describe('parseResponseHead', () => {
  it('reads framing and keep-alive, and drops hop-by-hop headers for the client', () => {
    const text =
      'HTTP/1.1 200 OK\r\nContent-Type: a\r\nContent-Length: 13\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n';
    const head = res(`${text}{"live":true}`);
    expect(head).toMatchObject({
      status: 200,
      framing: Framing.Length,
      contentLength: 13,
      reusable: true,
      keepAliveMs: 5000,
      clientHead: 'HTTP/1.1 200 OK\r\nContent-Type: a\r\nContent-Length: 13',
    });
    expect(head?.headLength).toBe(text.length);
  });

  it('keeps Transfer-Encoding for a chunked body (and drops Content-Length), drops Connection-named headers', () => {
    const head = res(
      'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\nConnection: X-Hop\r\nX-Hop: 1\r\nX-End: 2\r\n\r\n',
    );
    expect(head).toMatchObject({
      framing: Framing.Chunked,
      reusable: true,
      clientHead: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-End: 2',
    });
  });

  it('knows responses without a body and those read until close', () => {
    expect(res('HTTP/1.1 204 No Content\r\nX: 1\r\n\r\n')?.framing).toBe(Framing.None);
    expect(res('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n')?.framing).toBe(Framing.None);
    expect(res('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', true)).toMatchObject({
      framing: Framing.None,
      clientHead: 'HTTP/1.1 200 OK\r\nContent-Length: 10',
    });
    expect(res('HTTP/1.1 200 OK\r\nX: 1\r\n\r\n')).toMatchObject({ framing: Framing.UntilClose, reusable: false });
    expect(res('HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n')).toMatchObject({
      framing: Framing.Length,
      reusable: false,
      clientHead: 'HTTP/1.1 200 OK\r\nContent-Length: 1',
    });
    expect(res('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n')).toMatchObject({
      reusable: false,
      clientHead: 'HTTP/1.1 200 OK\r\nContent-Length: 1',
    });
    expect(res('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n')).toBeUndefined();
  });

  it('rejects malformed heads', () => {
    for (const text of [
      'HTTP/2 200 OK\r\n\r\n',
      'HTTP/1.1 20 OK\r\n\r\n',
      'HTTP/1.1 200 OK\r\nBad Name: 1\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
      'HTTP/1.1 101 Switching\r\n\r\n',
    ]) {
      expect(() => res(text), text).toThrow(ResponseError);
    }
  });
});

describe('BodyFraming', () => {
  const chunked = '5;ext=1\r\nhello\r\n10\r\n0123456789abcdef\r\n0\r\nX-Trailer: 1\r\n\r\n';

  it('finds the end of a chunked body split at every byte', () => {
    const bytes = Buffer.from(chunked + 'NEXT');
    for (let split = 0; split <= bytes.length; split++) {
      const framing = new BodyFraming(Framing.Chunked, 0);
      const first = framing.feed(bytes.subarray(0, split), 0);
      expect(framing.done).toBe(split >= chunked.length);
      const second = framing.done ? 0 : framing.feed(bytes, split);
      expect(first + second).toBe(chunked.length);
      expect(framing.done).toBe(true);
    }
  });

  it('counts Content-Length bytes and stops there', () => {
    const framing = new BodyFraming(Framing.Length, 5);
    expect(framing.feed(Buffer.from('abc'), 0)).toBe(3);
    expect(framing.feed(Buffer.from('xdefg'), 1)).toBe(2);
    expect(framing.done).toBe(true);
    expect(new BodyFraming(Framing.Length, 0).done).toBe(true);
    expect(new BodyFraming(Framing.None, 0).done).toBe(true);
  });

  it('rejects malformed chunked framing', () => {
    for (const text of ['x\r\n', '5\r\nhelloX', '\r\n', '5\nhello', '1234567890abc\r\n']) {
      expect(() => new BodyFraming(Framing.Chunked, 0).feed(Buffer.from(text), 0), text).toThrow(ResponseError);
    }
  });
});
