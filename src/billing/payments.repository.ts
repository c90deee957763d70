import type { Db, Sql } from '../common/sql';
import { firstRow, rows, sql } from '../common/sql';
import type { WriteBatch } from '../common/write-batch';
import type { Allocation, CreditSource, OpenLine } from './allocation';
import type { PaymentMethod } from './dto/billing-input.dto';
import { SITE_REGIONS } from './accounts.repository';

/**
 * Payments, their allocations to bill lines, and the ledger writes an
 * allocation makes (the paid amounts of lines, bills and payments). Amounts
 * cross this file as bigint: PostgreSQL sends bigint columns and sums as
 * text, and they are converted here, never through a JavaScript number.
 */

/**
 * The customer's unallocated payment money, oldest first, as a JSON array
 * (amounts as text: they are bigints). `customer` is the customer's id, or a
 * column holding it (`sql\`a.customer_id\``).
 */
export const creditsOf = (customer: string | Sql) =>
  sql`coalesce((SELECT json_agg(json_build_object('paymentId', p.id, 'remaining', (p.amount_fen - p.allocated_fen)::text) ORDER BY p.received_at, p.id)
                  FROM payments p
                 WHERE p.customer_id = ${customer} AND p.reversed_at IS NULL AND p.allocated_fen < p.amount_fen), '[]')`;

/** What creditsOf returns, as credit sources. */
export const parseCredits = (json: { paymentId: string; remaining: string }[]): CreditSource[] =>
  json.map((c) => ({ paymentId: c.paymentId, remaining: BigInt(c.remaining) }));

/** What settlement needs to know of an account: its credit and what it owes. */
export interface Ledger {
  customerId: string;
  customerNo: string;
  /** Unallocated payment money, oldest first. */
  credits: CreditSource[];
  /** Bill lines still owed, oldest bill first, then by serving region. */
  openLines: OpenLine[];
}

/**
 * The account's credit and open lines, or null when there is no account.
 * The caller holds the account's lock (lockAccount, createOrLockAccount), and
 * reads after taking it: a statement that waited for the lock would still
 * read with the snapshot it started with, and miss what the previous holder
 * committed.
 */
export async function readLedger(db: Db, customerId: string): Promise<Ledger | null> {
  const row = await firstRow<{
    customerId: string;
    customerNo: string;
    credits: { paymentId: string; remaining: string }[];
    openLines: (Omit<OpenLine, 'remaining'> & { remaining: string })[];
  }>(
    db,
    sql`SELECT a.customer_id AS "customerId", c.customer_no AS "customerNo",
               ${creditsOf(sql`a.customer_id`)} AS credits,
               coalesce((
                 SELECT json_agg(json_build_object('billId', b.id, 'billNo', b.bill_no, 'lineId', l.id, 'servingRegion', l.serving_region,
                                                   'remaining', (l.due_fen - l.paid_fen)::text) ORDER BY b.issue_date, b.issued_at, b.id, l.serving_region)
                   FROM bills b JOIN bill_lines l ON l.bill_id = b.id
                  WHERE b.customer_id = a.customer_id AND b.state <> 'paid' AND l.paid_fen < l.due_fen), '[]') AS "openLines"
          FROM billing_accounts a JOIN customers c ON c.id = a.customer_id
         WHERE a.customer_id = ${customerId}`,
  );
  if (!row) return null;
  return {
    customerId: row.customerId,
    customerNo: row.customerNo,
    credits: parseCredits(row.credits),
    openLines: row.openLines.map((l) => ({ ...l, remaining: BigInt(l.remaining) })),
  };
}

export interface NewPayment {
  id: string;
  customerId: string;
  amount: bigint;
  /** What this payment pays at once (the rest is credit). */
  allocated: bigint;
  collectedRegion: string;
  method: PaymentMethod;
  reference: string | null;
  /** A director took it although its reference was used (payments_reference_uq leaves it out). */
  duplicateReferenceAllowed: boolean;
  receivedBy: string;
  receivedAt: Date;
}

/** The unique index a second live payment with the same (customer, collecting region, reference) fails on (23505). */
export const PAYMENT_REFERENCE_INDEX = 'payments_reference_uq';

export function insertPaymentIn(batch: WriteBatch, p: NewPayment): void {
  batch.add(
    sql`INSERT INTO payments (id, customer_id, amount_fen, allocated_fen, collected_region, method, reference, duplicate_reference_allowed,
                              received_by, received_at)
        VALUES (${p.id}, ${p.customerId}, ${String(p.amount)}, ${String(p.allocated)}, ${p.collectedRegion}, ${p.method}, ${p.reference},
                ${p.duplicateReferenceAllowed}, ${p.receivedBy}, ${p.receivedAt})`,
  );
}

/** The live payment (not reversed) that holds this reference for the customer and collecting region, if any. */
export async function paymentWithReference(
  db: Db,
  key: { customerId: string; collectedRegion: string; reference: string },
): Promise<{ id: string; receivedAt: Date } | undefined> {
  return firstRow<{ id: string; receivedAt: Date }>(
    db,
    sql`SELECT id, received_at AS "receivedAt" FROM payments
         WHERE customer_id = ${key.customerId} AND collected_region = ${key.collectedRegion} AND reference = ${key.reference}
           AND reversed_at IS NULL AND NOT duplicate_reference_allowed`,
  );
}

export interface PaymentListRow extends PaymentRow {
  duplicateReferenceAllowed: boolean;
}

/** One page of a customer's payments, newest first, with the number of all of them. */
export async function paymentsOfCustomer(
  db: Db,
  customerId: string,
  page: { limit: number; offset: number },
): Promise<{ payments: PaymentListRow[]; total: number }> {
  const found = await rows<Omit<PaymentListRow, 'amount' | 'allocated'> & { amount: string; allocated: string; n: number }>(
    db,
    sql`SELECT ${PAYMENT_COLUMNS}, duplicate_reference_allowed AS "duplicateReferenceAllowed", count(*) OVER ()::int AS n
          FROM payments WHERE customer_id = ${customerId}
         ORDER BY received_at DESC, id LIMIT ${page.limit} OFFSET ${page.offset}`,
  );
  return {
    payments: found.map(({ n: _n, ...p }) => ({ ...p, amount: BigInt(p.amount), allocated: BigInt(p.allocated) })),
    total: found[0]?.n ?? 0,
  };
}

const sumBy = <K extends 'paymentId' | 'lineId' | 'billId'>(allocations: Allocation[], key: K): [string[], string[]] => {
  const totals = new Map<string, bigint>();
  for (const a of allocations) totals.set(a[key], (totals.get(a[key]) ?? 0n) + a.amount);
  return [[...totals.keys()], [...totals.values()].map(String)];
};

/**
 * The rows an allocation writes, as parts of the caller's batch: the
 * allocation rows, and the paid amounts of the lines, bills and payments it
 * touches (each row once, so the parts stay independent). Rows inserted by
 * the same batch cannot be updated by it: `skip` names what the caller
 * inserts already paid (a new bill's lines, a new payment).
 */
export function writeAllocationsIn(batch: WriteBatch, allocations: Allocation[], skip: { lines?: boolean; paymentId?: string } = {}): void {
  if (!allocations.length) return;
  batch.add(
    sql`INSERT INTO payment_allocations (payment_id, bill_id, bill_line_id, amount_fen)
        SELECT * FROM unnest(${allocations.map((a) => a.paymentId)}::uuid[], ${allocations.map((a) => a.billId)}::uuid[],
                             ${allocations.map((a) => a.lineId)}::uuid[], ${allocations.map((a) => String(a.amount))}::bigint[])`,
  );
  if (!skip.lines) writePaidAmountsIn(batch, allocations);
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
export function writePaidAmountsIn(batch: WriteBatch, allocations: Allocation[]): void {
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

/** A payment with what its access rule needs: where it was collected, and its customer's home and site regions. */
export interface PaymentHead {
  customerId: string;
  collectedRegion: string;
  homeRegion: string;
  siteRegions: string[];
}

export function paymentHead(db: Db, id: string): Promise<PaymentHead | undefined> {
  return firstRow<PaymentHead>(
    db,
    sql`SELECT p.customer_id AS "customerId", p.collected_region AS "collectedRegion", c.home_region AS "homeRegion", ${SITE_REGIONS} AS "siteRegions"
          FROM payments p JOIN customers c ON c.id = p.customer_id WHERE p.id = ${id}`,
  );
}

export async function isPaymentReversed(db: Db, id: string): Promise<boolean> {
  const row = await firstRow<{ reversedAt: Date | null }>(db, sql`SELECT reversed_at AS "reversedAt" FROM payments WHERE id = ${id}`);
  return !!row?.reversedAt;
}

interface AllocationRow {
  billId: string;
  billNo: string;
  lineId: string;
  servingRegion: string;
  amount: string;
}

const toAllocation =
  (paymentId: string) =>
  (r: AllocationRow): Allocation => ({ paymentId, ...r, amount: BigInt(r.amount) });

/** Marks the payment's live allocations reversed; returns them as they were (positive amounts). */
export async function reverseAllocationsOf(db: Db, paymentId: string): Promise<Allocation[]> {
  const undone = await rows<AllocationRow>(
    db,
    sql`WITH r AS (
          UPDATE payment_allocations SET reversed_at = now() WHERE payment_id = ${paymentId} AND reversed_at IS NULL
          RETURNING bill_id, bill_line_id, amount_fen)
        SELECT r.bill_id AS "billId", b.bill_no AS "billNo", r.bill_line_id AS "lineId", l.serving_region AS "servingRegion",
               r.amount_fen::text AS amount
          FROM r JOIN bills b ON b.id = r.bill_id JOIN bill_lines l ON l.id = r.bill_line_id`,
  );
  return undone.map(toAllocation(paymentId));
}

/** The payment itself reversed: nothing of it allocated any more, and not credit either. */
export function markPaymentReversedIn(batch: WriteBatch, reversal: { id: string; reversedBy: string; reason: string }): void {
  batch.add(
    sql`UPDATE payments SET allocated_fen = 0, reversed_at = now(), reversed_by = ${reversal.reversedBy}, reversal_reason = ${reversal.reason}
         WHERE id = ${reversal.id}`,
  );
}

/** The payment's allocations not reversed, in the order they were made. */
export async function liveAllocationsOf(db: Db, paymentId: string): Promise<Allocation[]> {
  const live = await rows<AllocationRow>(
    db,
    sql`SELECT a.bill_id AS "billId", b.bill_no AS "billNo", a.bill_line_id AS "lineId", l.serving_region AS "servingRegion",
               a.amount_fen::text AS amount
          FROM payment_allocations a JOIN bills b ON b.id = a.bill_id JOIN bill_lines l ON l.id = a.bill_line_id
         WHERE a.payment_id = ${paymentId} AND a.reversed_at IS NULL ORDER BY a.id`,
  );
  return live.map(toAllocation(paymentId));
}

export interface PaymentRow {
  id: string;
  customerId: string;
  amount: bigint;
  allocated: bigint;
  collectedRegion: string;
  method: PaymentMethod;
  reference: string | null;
  receivedAt: Date;
  reversedAt: Date | null;
  reversalReason: string | null;
}

const PAYMENT_COLUMNS = sql`id, customer_id AS "customerId", amount_fen::text AS amount, allocated_fen::text AS allocated,
  collected_region AS "collectedRegion", method, reference, received_at AS "receivedAt", reversed_at AS "reversedAt",
  reversal_reason AS "reversalReason"`;

export async function paymentById(db: Db, id: string): Promise<PaymentRow | undefined> {
  const p = await firstRow<Omit<PaymentRow, 'amount' | 'allocated'> & { amount: string; allocated: string }>(
    db,
    sql`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = ${id}`,
  );
  return p && { ...p, amount: BigInt(p.amount), allocated: BigInt(p.allocated) };
}
