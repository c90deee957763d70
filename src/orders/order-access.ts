import type { AuthContext } from '../common/auth/auth-context';
import { covers } from '../common/auth/region-scope';

/**
 * Who sees an order: the desk that took it (its accepted region), the desk
 * that owns the customer (home region) and its account manager, and every
 * region that fulfils part of it. To anyone else it does not exist (404).
 */
export function maySeeOrder(
  auth: AuthContext,
  order: { acceptedRegion: string },
  owner: { homeRegion: string; accountManagerId: string | null },
  workOrderRegions: string[],
): boolean {
  return (
    covers(auth, order.acceptedRegion) ||
    covers(auth, owner.homeRegion) ||
    owner.accountManagerId === auth.staffId ||
    workOrderRegions.some((r) => covers(auth, r))
  );
}

/** SQL for lists: the same rule over orders `o` (`:scope` LIKE patterns, `:me` the caller). */
export const ORDER_SCOPE_SQL = `(o.accepted_region LIKE ANY(:scope)
  OR o.customer_id IN (SELECT id FROM customers WHERE home_region LIKE ANY(:scope) OR account_manager_id = :me)
  OR EXISTS (SELECT 1 FROM work_orders sw WHERE sw.order_id = o.id AND sw.region LIKE ANY(:scope)))`;
