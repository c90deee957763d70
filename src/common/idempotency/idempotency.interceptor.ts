import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata, applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { Observable, catchError, from, mergeMap, of, throwError } from 'rxjs';
import { AuthenticatedRequest } from '../auth/decorators';
import { invalidFields } from '../errors/common-errors';
import { ApiIdempotent } from '../http/api-problems';
import { IdempotencyService } from './idempotency.service';

const IDEMPOTENT_KEY = 'focus-one:idempotent';
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/** A creating POST that honours the Idempotency-Key header. */
export const Idempotent = () => applyDecorators(SetMetadata(IDEMPOTENT_KEY, true), ApiIdempotent());

/** Stable JSON: key order does not change the fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: IdempotencyService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.reflector.get<boolean>(IDEMPOTENT_KEY, context.getHandler())) return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers['idempotency-key'];
    if (header === undefined) return next.handle();
    const key = Array.isArray(header) ? header[0] : header;
    if (!KEY_FORMAT.test(key)) {
      return throwError(() => invalidFields({ field: 'Idempotency-Key', message: 'must be 1-255 printable ASCII characters' }));
    }
    const owner = request.auth!.staffId;
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.routeOptions.url} ${canonical(request.params)} ${canonical(request.body)}`)
      .digest('hex');
    const reply = context.switchToHttp().getResponse<FastifyReply>();

    return from(this.keys.claim(owner, key, fingerprint)).pipe(
      mergeMap((claim) => {
        if (claim.kind === 'replay') {
          reply.header('Idempotent-Replayed', 'true');
          reply.status(claim.response.statusCode);
          return of(claim.response.body);
        }
        return next.handle().pipe(
          // Nest sets the route's status (201, or its @HttpCode) before the handler runs, and a
          // handler may change it (a resend answered 200): what the reply holds now is what is sent.
          mergeMap((body) => from(this.keys.complete(owner, key, { statusCode: reply.statusCode, body })).pipe(mergeMap(() => of(body)))),
          catchError((err) => from(this.keys.release(owner, key)).pipe(mergeMap(() => throwError(() => err)))),
        );
      }),
    );
  }
}
