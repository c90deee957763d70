import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CommonError, CommonErrorCode } from '../errors/common-errors';
import { Role } from './auth-context';
import { Authenticator } from './authenticator';
import { AuthenticatedRequest, PUBLIC_KEY, ROLES_KEY } from './decorators';

/** What a route's decorators ask of the caller: nothing (@Public) or a valid token, with @Roles() narrowing it. */
interface RouteAccess {
  public: boolean;
  roles?: Role[];
}

/** Global: every route needs a valid token unless marked @Public(); @Roles() narrows further. */
@Injectable()
export class AuthGuard implements CanActivate {
  /**
   * Per controller class and handler: decorators are fixed once the classes are loaded, so the metadata is
   * read at a route's first request instead of on every one (the guard runs on every request, issue 15).
   */
  private readonly access = new WeakMap<object, WeakMap<object, RouteAccess>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const access = this.accessOf(context.getClass(), context.getHandler());
    // A public route (health, docs, sign-in) leaves at once: no promise, no token read.
    if (access.public) return true;
    return this.authenticate(context, access.roles);
  }

  private async authenticate(context: ExecutionContext, required: Role[] | undefined): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const auth = await this.authenticator.authenticate(request.headers.authorization, String(request.id));
    request.auth = auth;
    if (required?.length && !auth.roles.some((r) => required.includes(r))) {
      throw new CommonError(CommonErrorCode.FORBIDDEN, `This action needs one of the roles: ${required.join(', ')}`);
    }
    return true;
  }

  private accessOf(controller: object, handler: object): RouteAccess {
    let byHandler = this.access.get(controller);
    if (!byHandler) this.access.set(controller, (byHandler = new WeakMap()));
    let found = byHandler.get(handler);
    if (!found) {
      const targets = [handler, controller] as [() => void, () => void];
      found = {
        public: Boolean(this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)),
        roles: this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets),
      };
      byHandler.set(handler, found);
    }
    return found;
  }
}
