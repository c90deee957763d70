import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../../config/app-config';
import { maskIdentifiers } from '../masking';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is sane, else a new UUID; stored on the raw request for pino. */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  (req as IncomingMessage & { id?: string }).id = id;
  return id;
}

const REDACTED = '[redacted]';
/** Query parameters and headers whose value is a credential (the dashboard's ?token=, an access_token, x-api-key…). */
const SECRET_NAME = /token|secret|password|passwd|authorization|cookie|api[-_]?key|signature/i;
/** A JWT wherever it sits, whatever it is called: three base64url parts, the first a JSON object ("eyJ"). */
const JWT = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/** Text as it may be logged: mobiles and credit codes masked as the API masks them, JWTs redacted. */
const loggableText = (text: string) => maskIdentifiers(text.replace(JWT, REDACTED));

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * A URL as it may be logged: the path and every query value masked (after
 * percent-decoding, so `%31%33%38…` is caught too), and the value of a
 * parameter named like a credential replaced whole.
 */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return loggableText(url);
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      const safeName = loggableText(name);
      if (eq < 0) return safeName;
      if (SECRET_NAME.test(decoded(name))) return `${safeName}=${REDACTED}`;
      const value = decoded(pair.slice(eq + 1));
      const safe = loggableText(value);
      return safe === value
        ? `${safeName}=${pair.slice(eq + 1)}`
        : `${safeName}=${encodeURIComponent(safe).replaceAll('%5Bredacted%5D', REDACTED)}`;
    });
  return `${loggableText(url.slice(0, q))}?${params.join('&')}`;
}

function loggableValue(value: unknown): unknown {
  if (typeof value === 'string') return loggableText(value);
  if (Array.isArray(value)) return value.map(loggableValue);
  return value;
}

/** A parsed query, path parameters or headers as they may be logged; the same names redacted as in the URL. */
export function loggableFields(fields: unknown, urlValued: readonly string[] = []): unknown {
  if (!fields || typeof fields !== 'object') return fields;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    out[loggableText(name)] = SECRET_NAME.test(name)
      ? REDACTED
      : urlValued.includes(name) && typeof value === 'string'
        ? loggableUrl(value)
        : loggableValue(value);
  }
  return out;
}

interface SerializedRequest {
  url?: string;
  query?: unknown;
  params?: unknown;
  headers?: unknown;
}

/** JSON logs, one line per request, carrying the request id; secrets, tokens, mobiles and credit codes kept out. */
export function loggerParams(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      genReqId: (req) => (req as IncomingMessage & { id?: string }).id ?? requestIdFor(req),
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: REDACTED },
      autoLogging: { ignore: (req) => req.url === '/health/live' || req.url === '/metrics' },
      customProps: () => ({ service: 'focus-one' }),
      // A search by mobile or credit code (/customers?q=…, /console/lookup?q=…) and the dashboard's one-time
      // ?token= arrive in the URL: the log keeps neither, in the url, the parsed query or a Referer.
      serializers: {
        req: (req: SerializedRequest) => ({
          ...req,
          url: req.url === undefined ? undefined : loggableUrl(req.url),
          query: loggableFields(req.query),
          params: loggableFields(req.params),
          headers: loggableFields(req.headers, ['referer']),
        }),
      },
    },
  };
}
