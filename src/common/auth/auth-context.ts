export const ROLES = ['admin', 'director', 'agent', 'account_manager', 'fulfilment', 'engineer', 'billing'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who is calling, passed explicitly from controller to service (services
 * never see the request). `scopes` are region-code prefixes: '44' covers all
 * of Guangdong, '4406' Foshan, '' the whole country.
 */
export interface AuthContext {
  staffId: string;
  username: string;
  roles: Role[];
  scopes: string[];
  requestId?: string;
}

export const hasRole = (auth: AuthContext, ...roles: Role[]) => auth.roles.some((r) => roles.includes(r));
