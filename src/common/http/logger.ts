import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AsyncLocalStorage } from 'node:async_hooks';
import { hostname } from 'node:os';
import pino from 'pino';
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

/** The request as a log line shows it (what pino-http's serializer gave, secrets and identifiers kept out). */
export function loggableRequest(request: FastifyRequest): Record<string, unknown> {
  let logged = loggedRequests.get(request);
  if (!logged) loggedRequests.set(request, (logged = maskedRequest(request)));
  return logged;
}

/**
 * Each request's masked form, worked out at its first log line and kept for
 * the others (a request's Nest log lines and its request line): the URL,
 * query, parameters and headers are fixed once it is routed, before any hook
 * that logs, and the masking walks all of them.
 */
const loggedRequests = new WeakMap<FastifyRequest, Record<string, unknown>>();

function maskedRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    id: request.id,
    method: request.method,
    url: loggableUrl(request.url),
    query: loggableFields(request.query),
    params: loggableFields(request.params),
    headers: loggableFields(request.headers, ['referer']),
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

function loggableResponse(reply: FastifyReply): Record<string, unknown> {
  const headers: Record<string, unknown> = { ...reply.getHeaders() };
  if (headers['set-cookie'] !== undefined) headers['set-cookie'] = REDACTED;
  return { statusCode: reply.statusCode, headers };
}

const roots = new Map<string, pino.Logger>();

/** The process's one pino logger (per level), JSON lines to stdout; everything else logs through it. */
export function rootLogger(level: string): pino.Logger {
  let root = roots.get(level);
  if (!root) {
    root = pino({ level, base: { pid: process.pid, hostname: hostname(), service: 'focus-one' } });
    roots.set(level, root);
  }
  return root;
}

/** The request being served, for log lines written while serving it (no logger is made per request). */
const currentRequest = new AsyncLocalStorage<FastifyRequest>();

/** Requests not logged: probes and scrapes, many a minute (the same as before, docs/ARCHITECTURE.md "Logging"). */
const UNLOGGED = new Set(['/health/live', '/metrics']);

/**
 * The request id in the answer's X-Request-Id and in every log line written
 * while serving it, and one line per request from the root logger, in an
 * onResponse hook: no Express-style middleware and no child logger per
 * request (issue 15); the line is built only when its level is on. One
 * synchronous onRequest hook does both of the first (an async hook costs a
 * promise per request).
 */
export function installRequestLogging(fastify: FastifyInstance, root: pino.Logger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    currentRequest.run(request, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const failed = reply.statusCode >= 500;
    if (UNLOGGED.has(request.url) || !root.isLevelEnabled(failed ? 'error' : 'info')) return done();
    const line = { req: loggableRequest(request), res: loggableResponse(reply), responseTime: Math.round(reply.elapsedTime) };
    if (failed) root.error({ ...line, err: new Error(`failed with status code ${reply.statusCode}`) }, 'request errored');
    else root.info(line, 'request completed');
    done();
  });
}

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's logger on the root pino logger: `{context, msg}` lines, an Error as
 * `err`, and inside a request its `req` (the same fields as the request line).
 */
export class AppLogger implements LoggerService {
  constructor(private readonly root: pino.Logger) {}

  verbose(message: unknown, ...params: unknown[]) {
    this.write('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]) {
    this.write('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.write('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.root.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    // Nest passes the context last; an exception handler passes (message, stack, context).
    if (params.length) fields.context = params[params.length - 1];
    const rest = params.slice(0, -1);
    const request = currentRequest.getStore();
    if (request) fields.req = loggableRequest(request);
    if (message instanceof Error) {
      fields.err = message;
      this.root[level](fields, ...(rest as []));
    } else if (message !== null && typeof message === 'object') {
      this.root[level]({ ...fields, ...message }, ...(rest as []));
    } else if ((level === 'error' || level === 'fatal') && rest.length === 1 && typeof rest[0] === 'string' && rest[0].includes('\n')) {
      const err = new Error(String(message));
      err.stack = rest[0];
      this.root[level]({ ...fields, err });
    } else {
      this.root[level](fields, String(message), ...(rest as []));
    }
  }
}
