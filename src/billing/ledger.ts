import type { EntityManager } from 'typeorm';
import { sql } from '../common/sql';
import { WriteBatch } from '../common/write-batch';
import { Allocation, CreditSource, OpenLine } from './allocation';
import { SITE_REGIONS_SQL } from './billing-access';
import { billingCustomerNotFound } from './billing.errors';
import { fen } from './money';

/** A customer's billing account, locked for the transaction, with what settlement needs to know. */
export interface LockedAccount {
  customerId: string;
  customerNo: string;
  /** Unallocated payment money, oldest first. */
  credits: CreditSource[];
  /** Bill lines still owed, oldest bill first, then by serving region. */
  openLines: OpenLine[];
}

/** The customer's unallocated payment money, oldest first, as JSON (amounts as strings: they are bigints). */
export const creditsOf = (customerId: string) =>
  `coalesce((SELECT json_agg(json_build_object('paymentId', p.id, 'remaining', (p.amount_fen - p.allocated_fen)::text) ORDER BY p.received_at, p.id)
               FROM payments p
              WHERE p.customer_id = ${customerId} AND p.reversed_at IS NULL AND p.allocated_fen < p.amount_fen), '[]')`;

export const parseCredits = (json: { paymentId: string; remaining: string }[]): CreditSource[] =>
  json.map((c) => ({ paymentId: c.paymentId, remaining: BigInt(c.remaining) }));

/**
 * Creates the customer's billing account if needed (404 if there is no such
 * customer: a payment may come before any charge) and locks it, in one
 * statement: the no-op update of an existing row takes the same row lock as
 * SELECT … FOR UPDATE.
 */
export async function ensureAndLockAccount(em: EntityManager, customerId: string): Promise<void> {
  const [row] = await em.query(
    `INSERT INTO billing_accounts (customer_id) SELECT id FROM customers WHERE id = $1
     ON CONFLICT (customer_id) DO UPDATE SET customer_id = EXCLUDED.customer_id
     RETURNING customer_id`,
    [customerId],
  );
  if (!row) throw billingCustomerNotFound(customerId);
}

/**
 * Creates the customer's billing account if needed, without locking it (404
 * if there is no such customer), and returns the customer's site regions
 * (where a charge may be posted) in the same round trip.
 */
export async function ensureAccount(em: EntityManager, customerId: string): Promise<string[]> {
  const [row] = await em.query(
    `WITH ins AS (INSERT INTO billing_accounts (customer_id) SELECT id FROM customers WHERE id = $1 ON CONFLICT DO NOTHING)
     SELECT ${SITE_REGIONS_SQL} AS site_regions FROM customers c WHERE c.id = $1`,
    [customerId],
  );
  if (!row) throw billingCustomerNotFound(customerId);
  return row.site_regions;
}

/**
 * Locks the account row (SELECT … FOR UPDATE): every money movement of one
 * customer — payment, reversal, a bill run consuming credit — takes this lock
 * first, so they happen one after another and none reads balances another is
 * changing. Then reads the open lines and the credit.
 */
export async function lockAccount(
  em: EntityManager,
  customerId: string,
  opts: { openLines?: boolean; alreadyLocked?: boolean } = { openLines: true },
): Promise<LockedAccount | null> {
  // Lock first, read after: a SELECT that waited for the lock still reads with the
  // snapshot it started with, so it would miss what the previous holder committed.
  if (!opts.alreadyLocked) {
    const [locked] = await em.query(`SELECT customer_id FROM billing_accounts WHERE customer_id = $1 FOR UPDATE`, [customerId]);
    if (!locked) return null;
  }
  const [row] = await em.query(
    `SELECT a.customer_id, c.customer_no,
            ${creditsOf('a.customer_id')} AS credits,
            CASE WHEN $2 THEN coalesce((
              SELECT json_agg(json_build_object('billId', b.id, 'billNo', b.bill_no, 'lineId', l.id, 'servingRegion', l.serving_region,
                                                'remaining', (l.due_fen - l.paid_fen)::text) ORDER BY b.issue_date, b.issued_at, b.id, l.serving_region)
                FROM bills b JOIN bill_lines l ON l.bill_id = b.id
               WHERE b.customer_id = a.customer_id AND b.state <> 'paid' AND l.paid_fen < l.due_fen), '[]') ELSE '[]' END AS open_lines
       FROM billing_accounts a JOIN customers c ON c.id = a.customer_id
      WHERE a.customer_id = $1`,
    [customerId, !!opts.openLines],
  );
  if (!row) return null;
  return {
    customerId: row.customer_id,
    customerNo: row.customer_no,
    credits: parseCredits(row.credits),
    openLines: (row.open_lines as (Omit<OpenLine, 'remaining'> & { remaining: string })[]).map((l) => ({
      ...l,
      remaining: BigInt(l.remaining),
    })),
  };
}

const sumBy = <K extends keyof Allocation>(allocations: Allocation[], key: K) => {
  const totals = new Map<string, bigint>();
  for (const a of allocations) totals.set(a[key] as string, (totals.get(a[key] as string) ?? 0n) + a.amount);
  return [[...totals.keys()], [...totals.values()].map(String)];
};

/**
 * The rows an allocation writes, as parts of the caller's batch: the
 * allocation rows, and the paid amounts of the lines, bills and payments it
 * touches (each row once, so the parts stay independent). Rows inserted by
 * the same batch cannot be updated by it: `skip` names what the caller
 * inserts already paid (a new bill's lines, a new payment).
 */
export function writeAllocations(batch: WriteBatch, allocations: Allocation[], skip: { lines?: boolean; paymentId?: string } = {}): void {
  if (!allocations.length) return;
  batch.add(
    sql`INSERT INTO payment_allocations (payment_id, bill_id, bill_line_id, amount_fen)
        SELECT * FROM unnest(${allocations.map((a) => a.paymentId)}::uuid[], ${allocations.map((a) => a.billId)}::uuid[],
                             ${allocations.map((a) => a.lineId)}::uuid[], ${allocations.map((a) => String(a.amount))}::bigint[])`,
  );
  if (!skip.lines) writePaidAmounts(batch, allocations);
  const existing = allocations.filter((a) => a.paymentId !== skip.paymentId);
  if (existing.length) {
    const [ids, amounts] = sumBy(existing, 'paymentId');
    batch.add(
      sql`UPDATE payments p SET allocated_fen = p.allocated_fen + v.amount
            FROM unnest(${ids}::uuid[], ${amounts}::bigint[]) AS v(id, amount) WHERE p.id = v.id`,
    );
  }
}

/**
 * Adds each allocation's amount to its line's and its bill's paid amount
 * (negative amounts undo them) and sets the bill's state from the result.
 */
export function writePaidAmounts(batch: WriteBatch, allocations: Allocation[]): void {
  if (!allocations.length) return;
  const [lineIds, lineAmounts] = sumBy(allocations, 'lineId');
  batch.add(
    sql`UPDATE bill_lines l SET paid_fen = l.paid_fen + v.amount
          FROM unnest(${lineIds}::uuid[], ${lineAmounts}::bigint[]) AS v(id, amount) WHERE l.id = v.id`,
  );
  const [billIds, billAmounts] = sumBy(allocations, 'billId');
  batch.add(
    sql`UPDATE bills b SET paid_fen = b.paid_fen + v.amount,
            state = CASE WHEN b.paid_fen + v.amount >= b.total_fen THEN 'paid' WHEN b.paid_fen + v.amount > 0 THEN 'partially_paid' ELSE 'issued' END
          FROM unnest(${billIds}::uuid[], ${billAmounts}::bigint[]) AS v(id, amount) WHERE b.id = v.id`,
  );
}

/** Allocations as audit/event data: amounts as JSON integers. */
export const allocationData = (allocations: Allocation[]) =>
  allocations.map((a) => ({
    paymentId: a.paymentId,
    billId: a.billId,
    billLineId: a.lineId,
    servingRegion: a.servingRegion,
    amountFen: fen(a.amount),
  }));
