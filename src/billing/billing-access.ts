import type { AuthContext } from '../common/auth/auth-context';
import { covers } from '../common/auth/region-scope';
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
