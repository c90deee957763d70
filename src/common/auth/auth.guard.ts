import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CommonError, CommonErrorCode } from '../errors/common-errors';
import { Role } from './auth-context';
import { Authenticator } from './authenticator';
import { AuthenticatedRequest, PUBLIC_KEY, ROLES_KEY } from './decorators';

/** Global: every route needs a valid token unless marked @Public(); @Roles() narrows further. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const auth = await this.authenticator.authenticate(request.headers.authorization, String(request.id));
    request.auth = auth;
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (required?.length && !auth.roles.some((r) => required.includes(r))) {
      throw new CommonError(CommonErrorCode.FORBIDDEN, `This action needs one of the roles: ${required.join(', ')}`);
    }
    return true;
  }
}
