import {
  CallHandler,
  ExecutionContext,
  Injectable,
  Logger,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { Observable, catchError, from, mergeMap, of, throwError } from 'rxjs';
import { AuthenticatedRequest } from '../auth/decorators';
import { CommonError, CommonErrorCode, invalidFields } from '../errors/common-errors';
import { DomainError } from '../errors/domain-error';
import { ApiIdempotent } from '../http/api-problems';
import { IdempotencyService, StoredResponse } from './idempotency.service';
import { CLAIM_CONSTRAINT, HeldKey, OUTCOME_CONSTRAINT, holdingKey } from './idempotent-outcome';

const IDEMPOTENT_KEY = 'focus-one:idempotent';
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

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
  private readonly logger = new Logger(IdempotencyInterceptor.name);

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
        if (claim.kind === 'replay') return of(replayed(reply, claim.response));
        if (claim.kind === 'rebuild') return from(this.rebuild(request, reply, owner, key, claim));
        // The write paths below record the outcome under this claim, in their own statement or transaction.
        const held: HeldKey = { ownerId: owner, key, claim: claim.claim, statusCode: reply.statusCode };
        return holdingKey(held, () => next.handle()).pipe(
          // Nest sets the route's status (201, or its @HttpCode) before the handler runs, and a
          // handler may change it (a resend answered 200): what the reply holds now is what is sent.
          mergeMap((body) =>
            from(this.keys.complete(owner, key, claim.claim, { statusCode: reply.statusCode, body })).pipe(mergeMap(() => of(body))),
          ),
          catchError((err: unknown) =>
            from(this.keys.release(owner, key, claim.claim)).pipe(mergeMap(() => throwError(() => takenOver(err) ?? err))),
          ),
        );
      }),
    );
  }

  /**
   * The answer for a write that committed while its process died before
   * storing the response: the created resource read again, in-process, with
   * the retrying caller's own credentials, given the route's status. It is
   * stored, so later retries replay the same bytes.
   */
  private async rebuild(
    request: AuthenticatedRequest,
    reply: FastifyReply,
    owner: string,
    key: string,
    claim: { statusCode: number; resource: string },
  ): Promise<unknown> {
    const read = await request.server.inject({
      method: 'GET',
      url: claim.resource,
      headers: { authorization: request.headers.authorization ?? '', 'x-request-id': `${request.id}-replay` },
    });
    const body: unknown = read.body ? read.json() : null;
    if (read.statusCode >= 300) {
      // Committed, but not readable now (archived, or out of the caller's reach since): the read's own answer.
      this.logger.warn(`replaying ${claim.resource} for an Idempotency-Key: the read answered ${read.statusCode}`);
      void reply.status(read.statusCode).header('content-type', read.headers['content-type'] ?? 'application/problem+json');
      return body;
    }
    const response = { statusCode: claim.statusCode, body };
    await this.keys.completeRebuilt(owner, key, response);
    return replayed(reply, response);
  }
}

function replayed(reply: FastifyReply, response: StoredResponse): unknown {
  void reply.header('Idempotent-Replayed', 'true');
  void reply.status(response.statusCode);
  return response.body;
}

/** A write refused because a retry took this request's key over (it was thought dead): the retry's write stands. */
function takenOver(err: unknown): DomainError | undefined {
  const constraint = (err as { driverError?: { constraint?: string } }).driverError?.constraint;
  if (constraint !== CLAIM_CONSTRAINT && constraint !== OUTCOME_CONSTRAINT) return undefined;
  return new CommonError(
    CommonErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS,
    'This request took so long that a retry with the same Idempotency-Key took it over; nothing was written by this one, replay the retry',
  );
}

/**
 * A creating POST that honours the Idempotency-Key header. The interceptor is
 * bound to these routes only, not globally: every other request skips it (issue 15).
 */
export const Idempotent = () =>
  applyDecorators(SetMetadata(IDEMPOTENT_KEY, true), UseInterceptors(IdempotencyInterceptor), ApiIdempotent());
