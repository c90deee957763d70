import type { ExecutionContext } from '@nestjs/common';
import { applyDecorators, createParamDecorator, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AuthContext, Role } from './auth-context';
import { ApiProblem } from '../http/api-problems';

export const PUBLIC_KEY = 'focus-one:public';
export const ROLES_KEY = 'focus-one:roles';

/** No token needed (health, docs, token). Everything else is authenticated by default. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Only these roles may call the route (403 otherwise); documented in the OpenAPI file. */
export const Roles = (...roles: Role[]) =>
  applyDecorators(SetMetadata(ROLES_KEY, roles), ApiProblem(403, `Caller lacks every one of the roles: ${roles.join(', ')}`));

/** Marks a controller as needing a bearer token, for the OpenAPI document. */
export const Authenticated = () => applyDecorators(ApiBearerAuth(), ApiProblem(401));

export type AuthenticatedRequest = FastifyRequest & { auth?: AuthContext };

/** The caller, as established by the AuthGuard. */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth!;
});
