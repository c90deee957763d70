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
  // Lists apply the same rule in SQL (pageOfOrders in orders.repository.ts): change both together.
  return (
    covers(auth, order.acceptedRegion) ||
    covers(auth, owner.homeRegion) ||
    owner.accountManagerId === auth.staffId ||
    workOrderRegions.some((r) => covers(auth, r))
  );
}
