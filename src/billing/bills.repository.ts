import type { Db } from '../common/sql';
import { rows, sql } from '../common/sql';
import type { WriteBatch } from '../common/write-batch';
import type { CreditSource, RegionGroup } from './allocation';
import type { BillOutcome } from './bill-issuer';
import type { BillState } from './dto/billing-views.dto';
import { creditsOf, parseCredits } from './payments.repository';

/**
 * Bills, their lines (one per serving region), and bill runs with their
 * items (one per customer). Amounts cross this file as bigint.
 */

/** What a new bill takes: its period's charges (and earlier unbilled ones), grouped by serving region, and the credit waiting. */
export interface TakenCharges {
  /** The period's bill, when one exists already (then nothing was taken). */
  existingBillId: string | null;
  groups: RegionGroup[];
  credits: CreditSource[];
}

/**
 * One statement (run after the account lock, so it sees what the previous
 * holder committed): marks every unbilled charge of this period or earlier
 * as the new bill's — a charge posted after an earlier period's bill was
 * issued lands here, on the next bill — unless the period is billed already,
 * and reads the credit waiting on the account.
 */
export async function takeChargesForBill(db: Db, bill: { id: string; customerId: string; period: string }): Promise<TakenCharges> {
  // A SELECT without FROM: always one row.
  const [taken] = await rows<{
    existing: string | null;
    groups: { region: string; amount: string; count: number }[];
    credits: { paymentId: string; remaining: string }[];
  }>(
    db,
    sql`WITH existing AS (SELECT id FROM bills WHERE customer_id = ${bill.customerId} AND period = ${bill.period}),
             taken AS (
               UPDATE billing_charges SET bill_id = ${bill.id}
                WHERE customer_id = ${bill.customerId} AND bill_id IS NULL AND period <= ${bill.period} AND NOT EXISTS (SELECT 1 FROM existing)
               RETURNING service_region, amount_fen),
             groups AS (SELECT service_region AS region, sum(amount_fen)::text AS amount, count(*)::int AS count FROM taken GROUP BY service_region)
        SELECT (SELECT id FROM existing) AS existing,
               coalesce((SELECT json_agg(groups) FROM groups), '[]') AS groups,
               ${creditsOf(bill.customerId)} AS credits`,
  );
  return {
    existingBillId: taken.existing,
    groups: taken.groups.map((g) => ({ region: g.region, amount: BigInt(g.amount), count: g.count })),
    credits: parseCredits(taken.credits),
  };
}

export interface NewBill {
  id: string;
  billNo: string;
  customerId: string;
  period: string;
  billRunId: string | null;
  total: bigint;
  paid: bigint;
  state: BillState;
  chargeCount: number;
  /** 'YYYY-MM-DD' */
  issueDate: string;
  dueDate: string;
}

export interface NewBillLine {
  id: string;
  servingRegion: string;
  /** The region's charges, adjustments included. */
  amount: bigint;
  due: bigint;
  paid: bigint;
  chargeCount: number;
}

/** The bill and its lines, as two parts of the caller's batch. */
export function insertBillIn(batch: WriteBatch, bill: NewBill, lines: NewBillLine[]): void {
  batch.add(
    sql`INSERT INTO bills (id, bill_no, customer_id, period, bill_run_id, total_fen, paid_fen, state, charge_count, issue_date, due_date)
        VALUES (${bill.id}, ${bill.billNo}, ${bill.customerId}, ${bill.period}, ${bill.billRunId}, ${String(bill.total)}, ${String(bill.paid)},
                ${bill.state}, ${bill.chargeCount}, ${bill.issueDate}, ${bill.dueDate})`,
  );
  batch.add(
    sql`INSERT INTO bill_lines (id, bill_id, serving_region, amount_fen, due_fen, paid_fen, charge_count)
        SELECT id, ${bill.id}, r, a, d, p, n
          FROM unnest(${lines.map((l) => l.id)}::uuid[], ${lines.map((l) => l.servingRegion)}::text[], ${lines.map((l) => String(l.amount))}::bigint[],
                      ${lines.map((l) => String(l.due))}::bigint[], ${lines.map((l) => String(l.paid))}::bigint[],
                      ${lines.map((l) => l.chargeCount)}::int[]) AS t(id, r, a, d, p, n)`,
  );
}

/** A run's item for one customer: what its job came to. */
export function recordRunItemIn(
  batch: WriteBatch,
  item: { runId: string; customerId: string; outcome: BillOutcome; billId: string | null },
): void {
  batch.add(
    sql`UPDATE bill_run_items SET outcome = ${item.outcome}, bill_id = ${item.billId}, processed_at = now()
         WHERE bill_run_id = ${item.runId} AND customer_id = ${item.customerId}`,
  );
}
