import type { AuthContext } from '../common/auth/auth-context';
import { hasRole } from '../common/auth/auth-context';
import { covers } from '../common/auth/region-scope';
import { CustomerError, CustomerErrorCode, customerNotFound } from './customers.errors';

// The case modules limit their lists with it; its SQL lives with the customer record's other statements.
export { restrictCaseList } from './customers.repository';

/** What access decisions need to know about a customer. */
export interface CustomerFootprint {
  id: string;
  homeRegion: string;
  siteRegions: string[];
  accountManagerId: string | null;
}

/** A customer is in a caller's scope when its home region or any of its sites is. */
export function inScope(auth: AuthContext, c: Pick<CustomerFootprint, 'homeRegion' | 'siteRegions'>): boolean {
  return covers(auth, c.homeRegion) || c.siteRegions.some((r) => covers(auth, r));
}

/** Every region the customer is in: the audit rows about it carry them. */
export const footprintRegions = (c: Pick<CustomerFootprint, 'homeRegion' | 'siteRegions'>): string[] => [c.homeRegion, ...c.siteRegions];

/** Out of scope reads as "not found": the caller learns nothing about other regions' customers. */
export function assertCanRead(auth: AuthContext, c: CustomerFootprint): void {
  if (!inScope(auth, c)) throw customerNotFound(c.id);
}

/** Changing the record: admins and directors in scope, or the customer's own account manager. */
export function assertCanManage(auth: AuthContext, c: CustomerFootprint, extraRoles: 'fulfilment'[] = []): void {
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

/**
 * What shortens SLAs and raises queue priority (the green channel, the tier)
 * or hands a customer to someone else is a director's or an admin's call: an
 * account manager manages their customer's record, not its privileges.
 */
export function assertMayGrant(auth: AuthContext, field: 'greenChannel' | 'contract24x7' | 'tier' | 'accountManagerId'): void {
  if (hasRole(auth, 'admin', 'director')) return;
  throw new CustomerError(
    CustomerErrorCode.CUSTOMER_CHANGE_NEEDS_DIRECTOR,
    field === 'accountManagerId'
      ? 'Only a director or an admin may create a customer for another account manager'
      : `Only a director or an admin may change ${field}`,
    { extensions: { field } },
  );
}

/** Mobiles are shown in full only to admins, directors and the customer's own account manager. */
export function maySeeMobiles(auth: AuthContext, c: Pick<CustomerFootprint, 'accountManagerId'>): boolean {
  return hasRole(auth, 'admin', 'director') || c.accountManagerId === auth.staffId;
}
