import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { applyDecorators, Controller, createParamDecorator, Injectable, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { map } from 'rxjs';
import { Authenticated } from '../../common/auth/decorators';
import type { TmfApi } from './tmf-api';
import { tmfRoutePath } from './tmf-api';
import { project } from './tmf-projection';
import { parseFields } from './tmf-query';

/**
 * A page of a TMF list, as a facade returns it: the controller's
 * interceptor turns it into the bare JSON array TMF630 wants, with
 * `X-Total-Count` (all matches) and `X-Result-Count` (this page), each item
 * projected by `fields=`.
 */
export class TmfPage<T extends object = Record<string, unknown>> {
  constructor(
    readonly items: T[],
    readonly total: number,
    /** The `fields=` of the query, or null. */
    readonly fields: string[] | null,
  ) {}
}

/**
 * On every TMF route: a TmfPage becomes its array and headers; any other
 * object answer is projected by the request's `fields=` (GET of one
 * resource). Nothing else is touched.
 */
@Injectable()
export class TmfResponseInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        if (body instanceof TmfPage) {
          void reply.header('X-Total-Count', String(body.total)).header('X-Result-Count', String(body.items.length));
          const fields = body.fields;
          const items = body.items as Record<string, unknown>[];
          return fields ? items.map((i) => project(i, fields)) : items;
        }
        if (request.method === 'GET' && body && typeof body === 'object' && !Array.isArray(body)) {
          const fields = parseFields((request.query as Record<string, unknown> | undefined)?.fields);
          if (fields) return project(body as Record<string, unknown>, fields);
        }
        return body;
      }),
    );
  }
}

/**
 * A TMF resource controller: its path under `/tmf-api/<api>/v4/<resource>`,
 * bearer auth (the global guard, as everywhere), its OpenAPI tag, and the
 * response interceptor above. Routes inside are written as any controller's
 * (decorators plus one call to the facade) with `@Body() body: unknown`.
 */
export const TmfController = (api: TmfApi, resource: string) =>
  applyDecorators(ApiTags(api.title), Authenticated(), Controller(tmfRoutePath(api, resource)), UseInterceptors(TmfResponseInterceptor));

/** The list headers in the OpenAPI document (on a list route). */
export const ApiTmfList = () =>
  applyDecorators(
    ApiHeader({ name: 'X-Total-Count', description: 'Matches in all (response header)', required: false }),
    ApiHeader({ name: 'X-Result-Count', description: 'Items in this page (response header)', required: false }),
  );

/**
 * The request's origin (`https://host:port`) for absolute `href`s, handed to
 * the facade with the caller (tmfBaseUrl prefers PUBLIC_BASE_URL).
 */
export const TmfOrigin = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  return `${request.protocol}://${request.host}`;
});
