// Which addresses a load generator may hit. It is a test and benchmark tool: pointing it at a
// shared or remote system by mistake would be a denial of service, so only loopback is allowed.

export class InvalidTargetError extends Error {
  constructor(
    readonly target: string,
    reason: string,
  ) {
    super(`load target "${target}" is not usable: ${reason}; pass an origin such as http://127.0.0.1:3000`);
    this.name = 'InvalidTargetError';
  }
}

export class NonLoopbackTargetError extends Error {
  constructor(
    readonly target: string,
    readonly host: string,
  ) {
    super(
      `load target "${target}" has host "${host}", which is not loopback; ` +
        'the load generator only drives 127.0.0.0/8, ::1 or localhost',
    );
    this.name = 'NonLoopbackTargetError';
  }
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** True for localhost, 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8 (`::ffff:7f00:1`). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost' || host.endsWith('.localhost')) return true; // RFC 6761 §6.3
  const v4 = IPV4.exec(host);
  if (v4) return v4.slice(1).every((octet) => Number(octet) <= 255) && v4[1] === '127';
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  // WHATWG URL normalises ::ffff:127.0.0.1 to ::ffff:7f00:1; the first hex group after ffff is 0x7fXX.
  const mapped = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(host);
  return mapped !== null && parseInt(mapped[1]!, 16) >> 8 === 0x7f;
}

/** Parses an http(s) origin and refuses anything that is not loopback. Returns the origin URL. */
export function loopbackOrigin(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new InvalidTargetError(target, 'it is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidTargetError(target, `protocol ${url.protocol} is not http or https`);
  if (!isLoopbackHost(url.hostname)) throw new NonLoopbackTargetError(target, url.hostname);
  return new URL(url.origin);
}
