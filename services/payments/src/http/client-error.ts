// Requests Node's HTTP parser rejects before Fastify sees them (bare LF, NUL, CL+TE, two
// Content-Lengths, bad chunk framing, a head over 16 KiB, a head too slow): answered in the API's
// own envelope, {"error":{type,code,message}}, not Fastify's default {"error":"Bad Request",…}
// (Fastify's `clientErrorHandler` option). The connection closes after the answer: its framing
// can no longer be trusted.
import type { Socket } from 'node:net';

const ANSWERS: Readonly<Record<string, { status: string; code: string; message: string }>> = {
  HPE_HEADER_OVERFLOW: {
    status: '431 Request Header Fields Too Large',
    code: 'request_header_fields_too_large',
    message: 'The request head is larger than 16 KiB; send fewer or shorter headers.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: '408 Request Timeout',
    code: 'request_timeout',
    message: 'The request did not arrive in time; send it again at once.',
  },
};

const MALFORMED = {
  status: '400 Bad Request',
  code: 'malformed_request',
  message:
    'The request is not valid HTTP/1.1 (line endings must be CRLF; one Content-Length or Transfer-Encoding: chunked; no control characters in headers).',
};

/** The raw response for a request the HTTP parser rejected. */
export function clientErrorResponse(error: NodeJS.ErrnoException): string {
  const answer = (error.code && ANSWERS[error.code]) || MALFORMED;
  const body = JSON.stringify({
    error: { type: 'invalid_request_error', code: answer.code, message: answer.message },
  });
  return (
    `HTTP/1.1 ${answer.status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Connection: close\r\n\r\n${body}`
  );
}

/** Fastify's `clientErrorHandler`. */
export function handleClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody to answer (Node's advice for 'clientError').
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) socket.end(clientErrorResponse(error));
  else socket.destroy(error);
}
