import { AuthContext, hasRole } from '../common/auth/auth-context';
import { covers } from '../common/auth/region-scope';
import { CustomerError, CustomerErrorCode, customerNotFound } from './customers.errors';

/** What access decisions need to know about a customer. */
export interface CustomerFootprint {
  id: string;
  homeRegion: string;
  siteRegions: string[];
  accountManagerId: string | null;
}

/** A customer is in a caller's scope when its home region or any of its sites is. */
export function inScope(auth: AuthContext, c: CustomerFootprint): boolean {
  return covers(auth, c.homeRegion) || c.siteRegions.some((r) => covers(auth, r));
}

/** Out of scope reads as "not found": the caller learns nothing about other regions' customers. */
export function assertCanRead(auth: AuthContext, c: CustomerFootprint): void {
  if (!inScope(auth, c)) throw customerNotFound(c.id);
}

/** Changing the record: admins and directors in scope, or the customer's own account manager. */
export function assertCanManage(auth: AuthContext, c: CustomerFootprint, extraRoles: ('fulfilment')[] = []): void {
  assertCanRead(auth, c);
  if (hasRole(auth, 'admin', 'director', ...extraRoles)) return;
  if (hasRole(auth, 'account_manager') && c.accountManagerId === auth.staffId) return;
  throw new CustomerError(
    CustomerErrorCode.CUSTOMER_NOT_YOURS,
    hasRole(auth, 'account_manager')
      ? 'Only the customer’s own account manager, a director or an admin may change this customer'
      : 'Your roles do not allow changing customer records',
  );
}

/** Mobiles are shown in full only to admins, directors and the customer's own account manager. */
export function maySeeMobiles(auth: AuthContext, c: Pick<CustomerFootprint, 'accountManagerId'>): boolean {
  return hasRole(auth, 'admin', 'director') || c.accountManagerId === auth.staffId;
}
