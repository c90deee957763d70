import { affected, firstRow, rows, sql } from '../common/sql';
import type { Db } from '../common/sql';

/** The statements on region_dispatch_endpoints: where each region's fulfilment system takes its work orders. */

export interface DispatchEndpoint {
  region: string;
  url: string;
  secret: string;
  updatedBy: string | null;
  updatedAt: Date;
}

/** Where one work order goes: its state now, and its region's endpoint (null: the console queue). */
export interface WorkOrderEndpoint {
  workOrderId: string;
  state: string;
  endpoint: { region: string; url: string; secret: string } | null;
}

/** Sets or replaces a region's endpoint; returns it without its secret. */
export async function upsertDispatchEndpoint(
  db: Db,
  endpoint: { region: string; url: string; secret: string; updatedBy: string },
): Promise<Omit<DispatchEndpoint, 'secret'>> {
  const [written] = await rows<Omit<DispatchEndpoint, 'secret'>>(
    db,
    sql`INSERT INTO region_dispatch_endpoints (region, url, secret, updated_by, updated_at)
        VALUES (${endpoint.region}, ${endpoint.url}, ${endpoint.secret}, ${endpoint.updatedBy}, now())
        ON CONFLICT (region) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, updated_by = EXCLUDED.updated_by, updated_at = now()
        RETURNING region, url, updated_by AS "updatedBy", updated_at AS "updatedAt"`,
  );
  return written;
}

export function findDispatchEndpoint(db: Db, region: string): Promise<DispatchEndpoint | undefined> {
  return firstRow<DispatchEndpoint>(
    db,
    sql`SELECT region, url, secret, updated_by AS "updatedBy", updated_at AS "updatedAt" FROM region_dispatch_endpoints WHERE region = ${region}`,
  );
}

/** Removes a region's endpoint; how many rows went (0 or 1). */
export function deleteDispatchEndpoint(db: Db, region: string): Promise<number> {
  return affected(db, sql`DELETE FROM region_dispatch_endpoints WHERE region = ${region}`);
}

/**
 * For each of these work orders (those that exist), its state and the most
 * specific endpoint covering its region (a district's over its city's over
 * its province's), in one query whatever their number.
 */
export async function endpointsOfWorkOrders(db: Db, workOrderIds: string[]): Promise<WorkOrderEndpoint[]> {
  const found = await rows<{ id: string; state: string; region: string | null; url: string | null; secret: string | null }>(
    db,
    sql`SELECT w.id, w.state, e.region, e.url, e.secret
          FROM work_orders w
          LEFT JOIN LATERAL (
            SELECT d.region, d.url, d.secret
              FROM region_dispatch_endpoints d JOIN regions r ON r.code = d.region
             WHERE w.region LIKE r.scope_prefix || '%'
             ORDER BY length(r.scope_prefix) DESC LIMIT 1) e ON true
         WHERE w.id = ANY(${workOrderIds}::uuid[])`,
  );
  return found.map((r) => ({
    workOrderId: r.id,
    state: r.state,
    endpoint: r.url ? { region: r.region!, url: r.url, secret: r.secret! } : null,
  }));
}
