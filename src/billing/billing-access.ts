import type { AuthContext } from '../common/auth/auth-context';
import { hasRole } from '../common/auth/auth-context';
import { covers, scopePrefix } from '../common/auth/region-scope';
import type { CustomerFootprint } from '../customers/customer-access.port';
import { inScope } from '../customers/customer-access.port';
import { BillingError, BillingErrorCode } from './billing.errors';

/** Who sees billing data at all (every billing route is limited to these roles). */
export const BILLING_READERS = ['billing', 'director', 'admin'] as const;

/**
 * A regional system posts charges with a service account of role `billing`
 * scoped to its region, so the region it bills for must be one it covers;
 * the same holds for the region a payment is collected in.
 */
export function assertRegionInScope(auth: AuthContext, field: string, region: string): void {
  if (!covers(auth, region)) {
    throw new BillingError(BillingErrorCode.REGION_OUT_OF_SCOPE, `${field} ${region} is outside your region scope`, {
      extensions: { field },
    });
  }
}

/** The customer's regions, as the customer record's own access rule reads them. */
export type CustomerRegions = Pick<CustomerFootprint, 'homeRegion' | 'siteRegions'>;

/**
 * Who reads a customer's bills, account and payments. Billing staff of every
 * region read every customer's: a customer may pay at any service point,
 * which must see what is owed. Everyone else (directors) reads only customers
 * in their scope, as for the customer record itself; outside it, 404.
 */
export function mayReadBillingOf(auth: AuthContext, customer: CustomerRegions): boolean {
  return hasRole(auth, 'billing') || inScope(auth, customer);
}

/**
 * A payment concerns the region it was collected in and its customer: a
 * director may see (and reverse) it when either is within their scope.
 */
export function mayHandlePayment(auth: AuthContext, payment: { collectedRegion: string }, customer: CustomerRegions): boolean {
  return covers(auth, payment.collectedRegion) || inScope(auth, customer);
}

/**
 * A region bills a customer only where it serves them: `serviceRegion` must
 * be a region with one of the customer's sites (the region itself or one it
 * contains: a city's system bills a site in one of its districts). Otherwise
 * any region's system could post charges, or negative adjustments, against
 * any customer in the country.
 */
export function servesCustomer(serviceRegion: string, siteRegions: string[]): boolean {
  const prefix = scopePrefix(serviceRegion);
  return siteRegions.some((r) => r.startsWith(prefix));
}

export const NOT_A_SERVING_REGION = 'is not a region where the customer has a site or a service instance';
