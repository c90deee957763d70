import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A JSON answer renders nothing, so it needs no more than this (issue 15):
 * it may load nothing and be framed by nobody, its type is not sniffed and
 * no Referer leaves with its links. HSTS only when the request came over TLS.
 */
const JSON_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * The pages a browser renders: whatever is served as HTML, and everything under Swagger UI and the queue
 * board, whose scripts, styles and JSON document (`/api/docs-json`) have always carried the pages' headers.
 */
const isPagePath = (url: string) => url.startsWith('/api/docs') || url.startsWith('/queues');

/**
 * Helmet's full policy, worked out once (helmet sets the same headers on every
 * call): Swagger UI and the report pages need inline styles and their own scripts.
 */
function helmetHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  } as unknown as ServerResponse;
  helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: [`'self'`],
        styleSrc: [`'self'`, `'unsafe-inline'`],
        imgSrc: [`'self'`, 'data:'],
        scriptSrc: [`'self'`, `'unsafe-inline'`],
      },
    },
  })({} as IncomingMessage, res, () => undefined);
  return headers;
}

const isPage = (request: FastifyRequest, reply: FastifyReply) => {
  const type = reply.getHeader('content-type');
  return (typeof type === 'string' && type.startsWith('text/html')) || isPagePath(request.url);
};

/**
 * The security headers of every answer, set just before it is sent (so an
 * error and a 404 get them too): the JSON API's short set, or helmet's full
 * policy for HTML.
 */
export function installSecurityHeaders(fastify: FastifyInstance): void {
  const pageHeaders = helmetHeaders();
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (isPage(request, reply)) {
      void reply.headers(pageHeaders);
    } else {
      void reply.headers(JSON_HEADERS);
      if (request.protocol === 'https') void reply.header('strict-transport-security', HSTS);
    }
    done(null, payload);
  });
}
