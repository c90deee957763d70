import type { Role } from './auth-context';

export interface Principal {
  username: string;
  roles: Role[];
  regions: string[];
  active: boolean;
  tokenVersion: number;
}

/** Implemented by the staff module; lets the guard stay ignorant of how staff are stored. */
export abstract class PrincipalLoader {
  abstract loadPrincipal(staffId: string): Promise<Principal | null>;
}
