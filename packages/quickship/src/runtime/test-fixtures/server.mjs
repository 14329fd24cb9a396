// A tiny service for the runtime's tests: a real process that behaves like the payments service
// where the runtime cares (PORT, /readyz, /healthz, SIGTERM drain) and misbehaves on request.
// Plain JavaScript so it starts in tens of milliseconds. Env:
//   PORT, HOST                      where to listen
//   FIXTURE_START_DELAY_MS          wait before listening
//   FIXTURE_READY_AFTER_MS          /readyz answers 503 until then
//   FIXTURE_NEVER_READY=1           /readyz always 503
//   FIXTURE_CRASH_AFTER_MS          exit(3) after that long
//   FIXTURE_LIVENESS_FAIL_AFTER_MS  /healthz answers 500 from then on
//   FIXTURE_HANG_HEALTHZ=1          /healthz never answers (probe timeout)
//   FIXTURE_IGNORE_SIGTERM=1        SIGTERM is logged and ignored (needs SIGKILL)
//   FIXTURE_SHUTDOWN_DELAY_MS       on SIGTERM: /readyz 503 at once, keep serving that long, then drain and exit 0
//   FIXTURE_DROP_ALL=1              every non-ops request is read, then its connection destroyed (a crash mid-request)
// Lifecycle lines go to stdout as "event <name> <epoch ms>" for the tests to read from the log.
import { createServer } from 'node:http';

const env = process.env;
const started = Date.now();
const num = (name) => (env[name] === undefined ? undefined : Number(env[name]));
let ready = true;
let live = true;
let draining = false;
let requests = 0;
/** /stream responses waiting for /stream/release. */
const heldStreams = [];

const event = (name) => process.stdout.write(`event ${name} ${Date.now()}\n`);

function json(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function isReady() {
  if (draining || !ready || env.FIXTURE_NEVER_READY === '1') return false;
  const after = num('FIXTURE_READY_AFTER_MS');
  return after === undefined || Date.now() - started >= after;
}

function isLive() {
  const after = num('FIXTURE_LIVENESS_FAIL_AFTER_MS');
  return live && (after === undefined || Date.now() - started < after);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://fixture');
  const who = { name: env.HOSTNAME, pid: process.pid, port: Number(env.PORT), version: env.APP_VERSION ?? '' };
  if (url.pathname === '/readyz') return json(res, isReady() ? 200 : 503, { ready: isReady() });
  if (url.pathname === '/healthz') {
    if (env.FIXTURE_HANG_HEALTHZ === '1') return;
    return json(res, isLive() ? 200 : 500, { live: isLive() });
  }
  if (url.pathname === '/prestop') {
    event('prestop');
    return json(res, 200, {});
  }
  if (url.pathname === '/admin/ready') {
    ready = url.searchParams.get('value') === '1';
    return json(res, 200, { ready });
  }
  if (url.pathname === '/admin/live') {
    live = url.searchParams.get('value') === '1';
    return json(res, 200, { live });
  }
  requests++;
  if (url.pathname === '/headers') return json(res, 200, { ...who, headers: req.headers });
  if (url.pathname === '/whoami') return json(res, 200, { ...who, requests });
  if (url.pathname === '/slow') {
    const ms = Number(url.searchParams.get('ms') ?? '100');
    event('slow');
    return void setTimeout(() => json(res, 200, { ...who, slept: ms }), ms);
  }
  if (url.pathname === '/stream') {
    // The first chunk now, the rest only once /stream/release is asked for: a proxy that buffers
    // whole responses never delivers the first chunk on its own.
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('chunk 0\n');
    heldStreams.push(() => {
      res.write('chunk 1\n');
      res.end('chunk 2\n');
    });
    return;
  }
  if (url.pathname === '/stream/release') {
    for (const finish of heldStreams.splice(0)) finish();
    return json(res, 200, {});
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    // The request reached this process, then the connection dies without an answer (a crash mid-request).
    if (url.pathname === '/drop' || env.FIXTURE_DROP_ALL === '1') {
      event(`drop ${req.method} ${body}`);
      return req.socket.destroy();
    }
    if (url.pathname === '/echo')
      return json(res, 200, { ...who, method: req.method, body, key: req.headers['idempotency-key'] ?? null });
    json(res, 404, { error: 'not found' });
  });
});

process.on('SIGTERM', () => {
  event('sigterm');
  if (env.FIXTURE_IGNORE_SIGTERM === '1') return;
  draining = true;
  setTimeout(
    () => {
      server.close(() => {
        event('exit');
        process.exit(0);
      });
    },
    num('FIXTURE_SHUTDOWN_DELAY_MS') ?? 0,
  );
});

const crashAfter = num('FIXTURE_CRASH_AFTER_MS');
if (crashAfter !== undefined) {
  setTimeout(() => {
    event('crash');
    process.exit(3);
  }, crashAfter);
}

setTimeout(
  () => {
    server.listen(Number(env.PORT ?? 0), env.HOST ?? '127.0.0.1', () => event('listening'));
  },
  num('FIXTURE_START_DELAY_MS') ?? 0,
);
