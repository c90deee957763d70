import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuthContext, Role } from './auth-context';
import { ProblemDto } from '../http/problem.dto';

export const PUBLIC_KEY = 'focus-one:public';
export const ROLES_KEY = 'focus-one:roles';

/** No token needed (health, docs, token). Everything else is authenticated by default. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Only these roles may call the route (403 otherwise); documented in the OpenAPI file. */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiForbiddenResponse({ description: `Caller lacks every one of the roles: ${roles.join(', ')}`, type: ProblemDto }),
  );

/** Marks a controller as needing a bearer token, for the OpenAPI document. */
export const Authenticated = () =>
  applyDecorators(ApiBearerAuth(), ApiUnauthorizedResponse({ description: 'Missing, invalid or revoked token', type: ProblemDto }));

export type AuthenticatedRequest = FastifyRequest & { auth?: AuthContext };

/** The caller, as established by the AuthGuard. */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth!;
});
