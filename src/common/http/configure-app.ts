import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import IORedis from 'ioredis';
import type pino from 'pino';
import type { AppConfig } from '../../config/app-config';
import { HttpMetrics } from '../../metrics/http-metrics.service';
import { mountQueueDashboard } from '../../queues/queue-dashboard';
import { Authenticator } from '../auth/authenticator';
import { problem } from '../errors/problem';
import { ProblemFilter, sendProblem, toProblem } from '../errors/problem.filter';
import { installBodyLimits, useBoundedJsonParser } from './body-limits';
import { API_PREFIX, TMF_API_ROOT, withoutTmfTrailingSlash } from './api-path';
import { installRequestLogging, requestIdFor, rootLogger } from './logger';
import { installSecurityHeaders } from './security-headers';
import { BoundedValidationPipe } from './validation-pipe';
import { memoiseValidationMetadata } from './validation-metadata-memo';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { separateDocuments } from './openapi/separate-documents';

/** The 429 both sign-in limits answer (the problem filter turns it into RATE_LIMITED problem+json). */
const tooManySignIns = (ttlMs: number) =>
  Object.assign(new Error(`Too many sign-in attempts; retry in ${Math.ceil(ttlMs / 1000)} s`), { statusCode: 429, code: 'RATE_LIMITED' });

/** The username a sign-in body names, or '' (the limiter keys on it before the body is validated). */
function signInName(body: unknown): string {
  const username = (body as { username?: unknown } | undefined)?.username;
  return typeof username === 'string' || typeof username === 'number' ? String(username) : '';
}

export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    genReqId: requestIdFor,
    // Only behind a reverse proxy: otherwise any client picks its own address (and dodges the login limit).
    trustProxy: config.http.trustProxy,
    rewriteUrl: (request: { url?: string }) => withoutTmfTrailingSlash(request.url ?? '/'),
    // The router answers a malformed URL (400) or an over-long parameter (414) before any hook or filter runs.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const body =
        toProblem(error) ?? problem(500, 'INTERNAL_ERROR', 'An unexpected error occurred; quote the request id when reporting it');
      void reply.header('x-request-id', request.id);
      sendProblem(reply, { ...body, instance: request.url, requestId: request.id });
    },
  });
}

/**
 * Everything main.ts and the e2e tests share: prefix, validation, errors, docs, security, metrics. Request
 * lines go to `logger`, the process's root logger (main.ts passes the one its Nest logger writes to).
 */
export async function configureApp(
  app: NestFastifyApplication,
  config: AppConfig,
  logger: pino.Logger = rootLogger(config.logLevel),
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // class-validator's per-class rule lookup, kept per class (validation-metadata-memo.ts): before any request is validated.
  memoiseValidationMetadata();

  // The TM Forum facades live under their own root (TMF630), not under /api/v1.
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics', `${TMF_API_ROOT}/*path`] });
  app.useGlobalPipes(new BoundedValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  // Every body's depth, width and text are checked before Nest (or any DTO) sees it: JSON before it is even parsed.
  useBoundedJsonParser(app, config.http.bodyLimits, config.http.bodyLimitBytes);
  installBodyLimits(fastify, config.http.bodyLimits);

  // A route may raise its own body limit with @RouteConfig({ bodyLimitBytes }) (the billing charge batch does).
  fastify.addHook('onRoute', (route) => {
    const limit = (route.config as { bodyLimitBytes?: number } | undefined)?.bodyLimitBytes;
    if (limit) route.bodyLimit = limit;
  });

  // Also echoes the request id in X-Request-Id.
  installRequestLogging(fastify, logger);
  installSecurityHeaders(fastify);

  // Login attempts are counted in Redis, so every API process shares one budget.
  const limiterRedis = new IORedis(config.redis.url, { maxRetriesPerRequest: 1 });
  fastify.addHook('onClose', (_instance, done) => {
    limiterRedis.disconnect();
    done();
  });
  await app.register(rateLimit, {
    global: false,
    hook: 'preHandler',
    redis: limiterRedis,
    nameSpace: `${config.redis.queuePrefix}:login-limit:`,
    max: config.auth.rateLimitMax,
    timeWindow: config.auth.rateLimitWindowSeconds * 1000,
    // Per address and username: a brute force on one account is slowed without locking out the office NAT.
    keyGenerator: (req) => `${req.ip}|${signInName(req.body).toLowerCase()}`,
    errorResponseBuilder: (_req, ctx) => tooManySignIns(ctx.ttl),
    // Redis down must not lock the 24x7 desk out: sign-in goes on uncounted (each attempt still costs an
    // Argon2 verify), and the limits count again when Redis is back (docs/SECURITY.md, "Rate limits").
    skipOnError: true,
  });
  // Per address across usernames, beside it: one address trying one password on many accounts (password
  // spraying) never trips the limit above, and every attempt costs an Argon2 verify that slows everyone.
  const perAddress = fastify.createRateLimit({
    keyGenerator: (req) => `address|${req.ip}`,
    max: config.auth.addressRateLimitMax,
    skipOnError: true,
  });
  fastify.addHook('onRoute', (route) => {
    if (!(route.config as { rateLimit?: unknown } | undefined)?.rateLimit) return;
    const hooks = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
    route.preHandler = [
      ...hooks,
      async (request, reply) => {
        const limit = await perAddress(request);
        if (limit.isAllowed || !limit.isExceeded) return;
        void reply.header('retry-after', limit.ttlInSeconds);
        throw tooManySignIns(limit.ttl);
      },
    ];
  });

  app.get(HttpMetrics).install(fastify);
  await mountQueueDashboard(app, app.get(Authenticator));

  const separate = separateDocuments();
  const document = buildOpenApiDocument(app, config);
  // Routes with a document of their own (the TM Forum facades) are left out of this one.
  for (const path of Object.keys(document.paths)) {
    if (separate.some((d) => path.startsWith(d.pathPrefix))) delete document.paths[path];
  }
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  for (const d of separate) SwaggerModule.setup(d.path, app, d.build(app, config), { jsonDocumentUrl: `${d.path}-json` });
}
