import type { Db } from '../common/sql';
import { firstRow, rows, sql } from '../common/sql';
import type { CustomerRegions } from './billing-access';

/**
 * Billing accounts: one row per customer, created on first use (a charge or a
 * payment may come first), and the row every money movement of that customer
 * locks. Also the reads of the customer record that billing's own rules
 * need (which regions a customer is in): read here, never written.
 */

/** One customer `c`'s site regions (every service instance sits at one of its sites), as an SQL expression. */
export const SITE_REGIONS = sql`coalesce((SELECT array_agg(DISTINCT s.region) FROM customer_sites s WHERE s.customer_id = c.id), '{}')`;

/** Home and site regions of one customer, or undefined when there is no such customer. */
export function customerRegions(db: Db, customerId: string): Promise<CustomerRegions | undefined> {
  return firstRow<CustomerRegions>(
    db,
    sql`SELECT c.home_region AS "homeRegion", ${SITE_REGIONS} AS "siteRegions" FROM customers c WHERE c.id = ${customerId}`,
  );
}

export async function customerExists(db: Db, customerId: string): Promise<boolean> {
  return !!(await firstRow(db, sql`SELECT 1 FROM customers WHERE id = ${customerId}`));
}

/**
 * Creates the customer's billing account if needed and locks it, in one
 * statement: the no-op update of an existing row takes the same row lock as
 * SELECT … FOR UPDATE. False when there is no such customer.
 */
export async function createOrLockAccount(db: Db, customerId: string): Promise<boolean> {
  const row = await firstRow(
    db,
    sql`INSERT INTO billing_accounts (customer_id) SELECT id FROM customers WHERE id = ${customerId}
        ON CONFLICT (customer_id) DO UPDATE SET customer_id = EXCLUDED.customer_id
        RETURNING customer_id`,
  );
  return !!row;
}

/**
 * Creates the customer's billing account if needed, without locking it, and
 * returns the customer's site regions (where a charge may be posted) in the
 * same round trip; null when there is no such customer.
 */
export async function createAccountReadingSites(db: Db, customerId: string): Promise<string[] | null> {
  const row = await firstRow<{ siteRegions: string[] }>(
    db,
    sql`WITH ins AS (INSERT INTO billing_accounts (customer_id) SELECT id FROM customers WHERE id = ${customerId} ON CONFLICT DO NOTHING)
        SELECT ${SITE_REGIONS} AS "siteRegions" FROM customers c WHERE c.id = ${customerId}`,
  );
  return row ? row.siteRegions : null;
}

/** The same for many customers in one round trip: the site regions of each one that exists, by customer id. */
export async function createAccountsReadingSites(db: Db, customerIds: string[]): Promise<Map<string, string[]>> {
  const known = await rows<{ id: string; siteRegions: string[] }>(
    db,
    sql`WITH ins AS (INSERT INTO billing_accounts (customer_id) SELECT id FROM customers WHERE id = ANY(${customerIds}::uuid[]) ON CONFLICT DO NOTHING)
        SELECT c.id, ${SITE_REGIONS} AS "siteRegions" FROM customers c WHERE c.id = ANY(${customerIds}::uuid[])`,
  );
  return new Map(known.map((k) => [k.id, k.siteRegions]));
}

/**
 * Locks the account row (SELECT … FOR UPDATE): every money movement of one
 * customer — payment, reversal, a bill run consuming credit — takes this
 * lock first, so they happen one after another and none reads balances
 * another is changing. False when the customer has no account.
 */
export async function lockAccount(db: Db, customerId: string): Promise<boolean> {
  return !!(await firstRow(db, sql`SELECT customer_id FROM billing_accounts WHERE customer_id = ${customerId} FOR UPDATE`));
}

/** The same lock, for a bill: returns the customer number (bill numbers carry it), or undefined when there is no account. */
export async function lockAccountForBill(db: Db, customerId: string): Promise<{ customerNo: string } | undefined> {
  return firstRow<{ customerNo: string }>(
    db,
    sql`SELECT c.customer_no AS "customerNo" FROM billing_accounts a JOIN customers c ON c.id = a.customer_id
         WHERE a.customer_id = ${customerId} FOR UPDATE OF a`,
  );
}

/** A customer's account figures, each a sum over the ledger's bigint columns (never a cached balance). */
export interface AccountFigures {
  /** Every charge posted, billed or not. */
  charges: bigint;
  unbilled: bigint;
  /** Every payment not reversed. */
  payments: bigint;
  /** Payment money not yet applied to a bill. */
  credit: bigint;
  outstanding: bigint;
  /** Outstanding on bills due before `asOf`. */
  overdue: bigint;
  /** 'YYYY-MM-DD' */
  oldestOverdueDate: string | null;
}

/** The figures as of a day (for what is overdue), or undefined when there is no such customer. */
export async function accountFigures(db: Db, customerId: string, asOf: string): Promise<AccountFigures | undefined> {
  const row = await firstRow<Record<Exclude<keyof AccountFigures, 'oldestOverdueDate'>, string> & { oldestOverdueDate: string | null }>(
    db,
    sql`SELECT
          (SELECT coalesce(sum(amount_fen), 0) FROM billing_charges WHERE customer_id = c.id)::text AS charges,
          (SELECT coalesce(sum(amount_fen), 0) FROM billing_charges WHERE customer_id = c.id AND bill_id IS NULL)::text AS unbilled,
          (SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE customer_id = c.id AND reversed_at IS NULL)::text AS payments,
          (SELECT coalesce(sum(amount_fen - allocated_fen), 0) FROM payments WHERE customer_id = c.id AND reversed_at IS NULL)::text AS credit,
          (SELECT coalesce(sum(total_fen - paid_fen), 0) FROM bills WHERE customer_id = c.id AND state <> 'paid')::text AS outstanding,
          (SELECT coalesce(sum(total_fen - paid_fen), 0) FROM bills WHERE customer_id = c.id AND state <> 'paid' AND due_date < ${asOf}::date)::text
            AS overdue,
          (SELECT to_char(min(due_date), 'YYYY-MM-DD') FROM bills WHERE customer_id = c.id AND state <> 'paid' AND due_date < ${asOf}::date)
            AS "oldestOverdueDate"
        FROM customers c WHERE c.id = ${customerId}`,
  );
  return (
    row && {
      charges: BigInt(row.charges),
      unbilled: BigInt(row.unbilled),
      payments: BigInt(row.payments),
      credit: BigInt(row.credit),
      outstanding: BigInt(row.outstanding),
      overdue: BigInt(row.overdue),
      oldestOverdueDate: row.oldestOverdueDate,
    }
  );
}
