// The only request body the API reads is JSON. Fastify's JSON parser (with its __proto__ and
// constructor poisoning checks) is kept; an empty body means "no parameters", as for a POST with
// no body at all (curl -X POST … -H 'Content-Type: application/json'). Every other media type,
// text/plain included, is a 415.
import type { FastifyInstance } from 'fastify';

export function acceptJsonOnly(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' || body.length === 0) {
      done(null, undefined);
      return;
    }
    parseJson(request, body as string, done);
  });
}
