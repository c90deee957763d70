import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { DomainError } from './domain-error';
import { Problem, problem, statusOf } from './problem';
import { problemFormatFor } from './problem-formats';
import { MAX_FIELD_ERRORS } from './validation-errors';

// Fastify's own errors (body parsing, limits) carry a code and a status.
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_REQUEST',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_REQUEST',
};

// PostgreSQL errors a client can cause when a service check was raced or bypassed.
const PG_CODES: Record<string, [number, string, string]> = {
  '23505': [409, 'CONFLICT', 'A record with the same unique value already exists'],
  '23503': [409, 'CONFLICT', 'A referenced record does not exist or is still referenced'],
  '22P02': [400, 'MALFORMED_REQUEST', 'A value has the wrong format'],
  '22003': [400, 'VALIDATION_FAILED', 'A number is out of range'],
  '22001': [400, 'VALIDATION_FAILED', 'A value is too long'],
  '23514': [400, 'VALIDATION_FAILED', 'A value breaks a data rule'],
  '22021': [400, 'MALFORMED_REQUEST', 'A value contains a character that cannot be stored (such as NUL)'],
  // NUL in a jsonb value; the body check refuses NUL first, this is the last resort
  '22P05': [400, 'MALFORMED_REQUEST', 'A value contains a character that cannot be stored (such as NUL)'],
};

function fastifyProblem(error: unknown): Problem | undefined {
  const e = error as { code?: string; statusCode?: number; message?: string } | undefined;
  if (e?.code && FASTIFY_CODES[e.code] && e.statusCode) return problem(e.statusCode, FASTIFY_CODES[e.code], e.message ?? 'Bad request');
  return undefined;
}

export function toProblem(exception: unknown): Problem | undefined {
  if (exception instanceof DomainError) {
    // Whoever built the list, a client gets its first MAX_FIELD_ERRORS entries and a count of the rest.
    const all = exception.errors;
    const over = all && all.length > MAX_FIELD_ERRORS ? all.length - MAX_FIELD_ERRORS : 0;
    return problem(statusOf(exception.kind), exception.code, exception.message, {
      ...(all ? { errors: over ? all.slice(0, MAX_FIELD_ERRORS) : all } : {}),
      ...exception.extensions,
      ...(over ? { errorsOmitted: over + Number(exception.extensions?.errorsOmitted ?? 0) } : {}),
    });
  }
  if (exception instanceof HttpException) {
    // Nest's Fastify adapter wraps Fastify's own 4xx errors (body parsing, limits), keeping them as the cause.
    const wrapped = fastifyProblem(exception.cause);
    if (wrapped) return wrapped;
    const status = exception.getStatus();
    const body = exception.getResponse();
    const detail = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
    const code = status === 404 ? 'NOT_FOUND' : status === 413 ? 'PAYLOAD_TOO_LARGE' : `HTTP_${status}`;
    return problem(status, code, Array.isArray(detail) ? detail.join('; ') : typeof detail === 'string' ? detail : exception.message);
  }
  if (exception instanceof QueryFailedError) {
    const pg = PG_CODES[(exception.driverError as { code?: string })?.code ?? ''];
    if (pg) return problem(pg[0], pg[1], pg[2]);
    return undefined;
  }
  const fastify = fastifyProblem(exception);
  if (fastify) return fastify;
  const e = exception as { code?: string; statusCode?: number; message?: string };
  // Other Fastify client errors (4xx) pass through with their own status.
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const code = e.statusCode === 429 ? 'RATE_LIMITED' : 'MALFORMED_REQUEST';
    return problem(e.statusCode, code, e.message ?? 'Bad request');
  }
  return undefined;
}

/** The one place every error becomes an application/problem+json response. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    let body = toProblem(exception);
    if (!body) {
      this.logger.error({ err: exception, requestId: request?.id }, 'unhandled error');
      body = problem(500, 'INTERNAL_ERROR', 'An unexpected error occurred; quote the request id when reporting it');
    }
    sendProblem(reply, { ...body, instance: request?.url, requestId: request?.id });
  }
}

/** Sends the problem as problem+json, or in the format registered for the routes its `instance` (the request URL) is under. */
export function sendProblem(reply: FastifyReply, body: Problem): void {
  const format = problemFormatFor(body.instance);
  if (format) {
    void reply.status(body.status).header('content-type', format.contentType).send(format.render(body));
    return;
  }
  void reply.status(body.status).header('content-type', 'application/problem+json; charset=utf-8').send(body);
}
