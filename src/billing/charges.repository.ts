import type { Db } from '../common/sql';
import { empty, firstRow, join, rows, sql } from '../common/sql';
import type { Sql } from '../common/sql';
import type { ChargeDto, ChargeKind } from './dto/billing-input.dto';

/**
 * Charges posted by the regional systems. (service_region, source_ref) is
 * unique: inserts skip a key that exists, and the caller compares what is
 * stored. Amounts go in as text (an amount is a safe integer, checked by the
 * DTO) and come out as bigint.
 */

export interface ChargeRow {
  id: string;
  customerId: string;
  serviceRegion: string;
  serviceInstanceId: string | null;
  period: string;
  kind: ChargeKind;
  amountFen: bigint;
  description: string;
  sourceRef: string;
  billId: string | null;
  postedAt: Date;
}

const CHARGE_COLUMNS = sql`id, customer_id AS "customerId", service_region AS "serviceRegion", service_instance_id AS "serviceInstanceId", period,
  kind, amount_fen::text AS "amountFen", description, source_ref AS "sourceRef", bill_id AS "billId", posted_at AS "postedAt"`;

type StoredCharge = Omit<ChargeRow, 'amountFen'> & { amountFen: string };
const toCharge = (r: StoredCharge): ChargeRow => ({ ...r, amountFen: BigInt(r.amountFen) });

/** The new charge, or undefined when its (serviceRegion, sourceRef) exists already (nothing written). */
export async function insertCharge(db: Db, charge: ChargeDto, postedBy: string): Promise<ChargeRow | undefined> {
  const inserted = await firstRow<StoredCharge>(
    db,
    sql`INSERT INTO billing_charges (customer_id, service_region, service_instance_id, period, kind, amount_fen, description, source_ref, posted_by)
        VALUES (${charge.customerId}, ${charge.serviceRegion}, ${charge.serviceInstanceId ?? null}, ${charge.period}, ${charge.kind},
                ${String(charge.amountFen)}, ${charge.description}, ${charge.sourceRef}, ${postedBy})
        ON CONFLICT (service_region, source_ref) DO NOTHING
        RETURNING ${CHARGE_COLUMNS}`,
  );
  return inserted && toCharge(inserted);
}

/**
 * Many charges in one statement (from arrays, whatever their number);
 * returns the keys of those inserted, those whose key existed are skipped.
 */
export function insertCharges(db: Db, charges: ChargeDto[], postedBy: string): Promise<{ serviceRegion: string; sourceRef: string }[]> {
  return rows<{ serviceRegion: string; sourceRef: string }>(
    db,
    sql`INSERT INTO billing_charges (customer_id, service_region, service_instance_id, period, kind, amount_fen, description, source_ref, posted_by)
        SELECT c, r, si, p, k, a, d, s, ${postedBy}
          FROM unnest(${charges.map((c) => c.customerId)}::uuid[], ${charges.map((c) => c.serviceRegion)}::text[],
                      ${charges.map((c) => c.serviceInstanceId ?? null)}::uuid[], ${charges.map((c) => c.period)}::text[],
                      ${charges.map((c) => c.kind)}::text[], ${charges.map((c) => String(c.amountFen))}::bigint[],
                      ${charges.map((c) => c.description)}::text[], ${charges.map((c) => c.sourceRef)}::text[]) AS t(c, r, si, p, k, a, d, s)
        ON CONFLICT (service_region, source_ref) DO NOTHING
        RETURNING service_region AS "serviceRegion", source_ref AS "sourceRef"`,
  );
}

/** The stored charge with this (serviceRegion, sourceRef) key. */
export async function chargeByKey(db: Db, serviceRegion: string, sourceRef: string): Promise<ChargeRow | undefined> {
  const stored = await firstRow<StoredCharge>(
    db,
    sql`SELECT ${CHARGE_COLUMNS} FROM billing_charges WHERE service_region = ${serviceRegion} AND source_ref = ${sourceRef}`,
  );
  return stored && toCharge(stored);
}

/** The stored charges with these (serviceRegion, sourceRef) keys. */
export async function chargesByKeys(db: Db, keys: { serviceRegion: string; sourceRef: string }[]): Promise<ChargeRow[]> {
  const stored = await rows<StoredCharge>(
    db,
    sql`SELECT ${CHARGE_COLUMNS} FROM billing_charges c
          JOIN unnest(${keys.map((k) => k.serviceRegion)}::text[], ${keys.map((k) => k.sourceRef)}::text[]) AS k(r, s)
            ON c.service_region = k.r AND c.source_ref = k.s`,
  );
  return stored.map(toCharge);
}

/** The customer of each of these service instances (read from the customer record), by instance id. */
export async function instanceOwners(db: Db, instanceIds: string[]): Promise<Map<string, string>> {
  const owned = await rows<{ id: string; customerId: string }>(
    db,
    sql`SELECT id, customer_id AS "customerId" FROM service_instances WHERE id = ANY(${instanceIds}::uuid[])`,
  );
  return new Map(owned.map((r) => [r.id, r.customerId]));
}

export interface ChargeFilter {
  customerId?: string;
  period?: string;
  /** true: on a bill; false: not billed yet. */
  billed?: boolean;
  /** LIKE patterns of the caller's scope (the charge's customer's home region or a site), or null for every customer. */
  scopePatterns: string[] | null;
}

/**
 * One page of charges, newest first, and how many match, counted up to
 * `countUpTo` (a nationwide list can hold millions: the count stops there).
 */
export async function chargesPage(
  db: Db,
  filter: ChargeFilter,
  page: { limit: number; offset: number; countUpTo: number },
): Promise<{ charges: ChargeRow[]; counted: number }> {
  const where: Sql[] = [];
  if (filter.customerId) where.push(sql`customer_id = ${filter.customerId}`);
  if (filter.period) where.push(sql`period = ${filter.period}`);
  if (filter.billed !== undefined) where.push(filter.billed ? sql`bill_id IS NOT NULL` : sql`bill_id IS NULL`);
  if (filter.scopePatterns) {
    where.push(
      sql`customer_id IN (SELECT c.id FROM customers c
                           WHERE c.home_region LIKE ANY(${filter.scopePatterns}::text[])
                              OR EXISTS (SELECT 1 FROM customer_sites s WHERE s.customer_id = c.id AND s.region LIKE ANY(${filter.scopePatterns}::text[])))`,
    );
  }
  const cond = where.length ? sql`WHERE ${join(where, ' AND ')}` : empty;
  const found = await rows<StoredCharge & { n: number }>(
    db,
    sql`SELECT ${CHARGE_COLUMNS}, (SELECT count(*)::int FROM (SELECT 1 FROM billing_charges ${cond} LIMIT ${page.countUpTo}) x) AS n
          FROM billing_charges ${cond}
         ORDER BY posted_at DESC, id DESC LIMIT ${page.limit} OFFSET ${page.offset}`,
  );
  const counted = found[0]?.n ?? (page.offset ? await countCharges(db, cond, page.countUpTo) : 0);
  return { charges: found.map(({ n: _n, ...c }) => toCharge(c)), counted };
}

/** The count alone, for a page past the end (no row to carry it). */
async function countCharges(db: Db, cond: Sql, upTo: number): Promise<number> {
  const [{ n }] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM billing_charges ${cond} LIMIT ${upTo}) x`,
  );
  return n;
}
