import type { Db } from '../common/sql';
import { rows, sql } from '../common/sql';

/**
 * What settlement between regions reads: the payments received in a month
 * (China time) and not reversed, and where their money went. Amounts come
 * out as bigint.
 */

/** `received_at` within the month 'YYYY-MM', in China time. */
const receivedIn = (period: string) =>
  sql`received_at >= (${period} || '-01')::timestamp AT TIME ZONE 'Asia/Shanghai'
      AND received_at < ((${period} || '-01')::timestamp + interval '1 month') AT TIME ZONE 'Asia/Shanghai'`;

export interface SettlementFlow {
  collectingRegion: string;
  servingRegion: string;
  amount: bigint;
}

/** The month's payments' live allocations, summed by collecting and serving region (ordered by both). */
export async function settlementFlows(db: Db, period: string): Promise<SettlementFlow[]> {
  const flows = await rows<{ collecting: string; serving: string; amount: string }>(
    db,
    sql`SELECT p.collected_region AS collecting, l.serving_region AS serving, sum(a.amount_fen)::text AS amount
          FROM payments p
          JOIN payment_allocations a ON a.payment_id = p.id AND a.reversed_at IS NULL
          JOIN bill_lines l ON l.id = a.bill_line_id
         WHERE p.reversed_at IS NULL AND ${receivedIn(period)}
         GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  return flows.map((f) => ({ collectingRegion: f.collecting, servingRegion: f.serving, amount: BigInt(f.amount) }));
}

export interface CollectedInRegion {
  region: string;
  amount: bigint;
  /** Not applied to any bill yet. */
  unallocated: bigint;
  payments: number;
}

/** The month's payments by collecting region (ordered by it). */
export async function collectedByRegion(db: Db, period: string): Promise<CollectedInRegion[]> {
  const collected = await rows<{ region: string; amount: string; unallocated: string; n: number }>(
    db,
    sql`SELECT collected_region AS region, sum(amount_fen)::text AS amount, sum(amount_fen - allocated_fen)::text AS unallocated, count(*)::int AS n
          FROM payments WHERE reversed_at IS NULL AND ${receivedIn(period)} GROUP BY 1 ORDER BY 1`,
  );
  return collected.map((c) => ({ region: c.region, amount: BigInt(c.amount), unallocated: BigInt(c.unallocated), payments: c.n }));
}
