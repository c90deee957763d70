import type { Role } from '../../auth/auth-context';
import { ROLES } from '../../auth/auth-context';
import { PUBLIC_KEY, ROLES_KEY } from '../../auth/decorators';
import type { Route } from './openapi-routes';
import { metadataOf } from './openapi-routes';

/**
 * Says who may call each operation, from the `@Roles` / `@Public` metadata the
 * guard enforces: `security`, `x-roles` (the role names; every role when the route names
 * none, none when it is public) and a sentence at the end of the description.
 */
export function documentRoles(routes: Route[]): void {
  for (const route of routes) {
    const isPublic = metadataOf<boolean>(PUBLIC_KEY, route) === true;
    const named = metadataOf<Role[]>(ROLES_KEY, route);
    const roles: Role[] = isPublic ? [] : named?.length ? [...named] : [...ROLES];
    const sentence = isPublic
      ? 'Roles: none (public, no token).'
      : named?.length
        ? `Roles: ${roles.join(', ')}.`
        : `Roles: any signed-in staff member (${roles.join(', ')}).`;
    route.op['x-roles'] = roles;
    // What the guard asks for: no token on a public route, the bearer token everywhere else.
    route.op.security = isPublic ? [] : (route.op.security ?? [{ bearer: [] }]);
    route.op.description = route.op.description ? `${route.op.description}\n\n${sentence}` : sentence;
  }
}
