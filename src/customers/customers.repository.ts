import type { DataSource, EntityManager, WhereExpressionBuilder } from 'typeorm';
import { In } from 'typeorm';
import type { AuthContext } from '../common/auth/auth-context';
import { scopePatterns } from '../common/auth/region-scope';
import type { ReadBatch } from '../common/read-batch';
import type { Db, Sql } from '../common/sql';
import type { BatchPart } from '../common/write-batch';
import { empty, firstRow, join, preparedRows, raw, rows, sql } from '../common/sql';
import { millisecondComparisons, type InstantBounds } from '../common/time/millisecond-bounds';
import type { CustomerSummaryDto } from './dto/customer.dto';
import { AccountManagerTransfer } from './account-manager-transfer.entity';
import type { ContactRole } from './customer-record.port';
import { Contact } from './contact.entity';
import type { Tier } from './customer-record.port';
import { Customer } from './customer.entity';
import { Site } from './site.entity';

// ---- the customer row ----

export function findCustomer(em: EntityManager, id: string, lock = false): Promise<Customer | null> {
  return em.findOne(Customer, { where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
}

/** The regions of the customer's sites. */
export async function siteRegionsOf(em: EntityManager, customerId: string): Promise<string[]> {
  const sites = await em.find(Site, { where: { customerId }, select: { region: true } });
  return sites.map((s) => s.region);
}

/** The record with its contacts, sites and service instances, each oldest first. */
export function customerWithParts(em: EntityManager, id: string): Promise<Customer | null> {
  return em.getRepository(Customer).findOne({
    where: { id },
    relations: { contacts: true, sites: true, serviceInstances: true },
    order: { contacts: { createdAt: 'ASC' }, sites: { createdAt: 'ASC' }, serviceInstances: { createdAt: 'ASC' } },
  });
}

/** What every case context starts from: who owns the customer and where it is, and their names (for the case's events). */
interface ContextHead {
  name: string;
  accountManagerName: string | null;
  tier: Tier;
  greenChannel: boolean;
  contract24x7: boolean;
  homeRegion: string;
  accountManagerId: string | null;
  archived: boolean;
  siteRegions: string[];
}

interface ContextHeadRow {
  name: string;
  account_manager_name: string | null;
  tier: Tier;
  green_channel: boolean;
  contract_24x7: boolean;
  home_region: string;
  account_manager_id: string | null;
  archived_at: Date | null;
  site_regions: string[];
}

const HEAD = sql`c.name, (SELECT m.display_name FROM staff m WHERE m.id = c.account_manager_id) AS account_manager_name,
                 c.tier, c.green_channel, c.contract_24x7, c.home_region, c.account_manager_id, c.archived_at,
                 coalesce((SELECT array_agg(s.region) FROM customer_sites s WHERE s.customer_id = c.id), '{}') AS site_regions`;

const head = (r: ContextHeadRow): ContextHead => ({
  name: r.name,
  accountManagerName: r.account_manager_name,
  tier: r.tier,
  greenChannel: r.green_channel,
  contract24x7: r.contract_24x7,
  homeRegion: r.home_region,
  accountManagerId: r.account_manager_id,
  archived: r.archived_at !== null,
  siteRegions: r.site_regions,
});

/**
 * What a case needs when it is opened, in one query: the head, plus the
 * region of the named site and the site and region of the named service
 * instance (null when they are not this customer's).
 */
export async function caseContextOf(
  db: Db,
  customerId: string,
  siteId: string | null,
  instanceId: string | null,
): Promise<(ContextHead & { siteRegion: string | null; instance: { siteId: string; region: string } | null }) | undefined> {
  // Every intake asks this: one text, prepared (preparedRows).
  const [row] = await preparedRows<ContextHeadRow & { site_region: string | null; instance: { siteId: string; region: string } | null }>(
    db,
    sql`SELECT ${HEAD},
               (SELECT s.region FROM customer_sites s WHERE s.id = ${siteId} AND s.customer_id = c.id) AS site_region,
               (SELECT json_build_object('siteId', si.site_id, 'region', s.region)
                  FROM service_instances si JOIN customer_sites s ON s.id = si.site_id
                 WHERE si.id = ${instanceId} AND si.customer_id = c.id) AS instance
          FROM customers c WHERE c.id = ${customerId}`,
  );
  return row && { ...head(row), siteRegion: row.site_region, instance: row.instance };
}

export interface InstanceRef {
  productCode: string;
  siteId: string;
  state: string;
}

type OrderContextRow = ContextHeadRow & { sites: Record<string, string>; instances: Record<string, InstanceRef> };
export type OrderContextHead = ContextHead & { sites: Record<string, string>; instances: Record<string, InstanceRef> };

function orderContextSql(customerId: string, siteIds: string[], instanceIds: string[]): Sql {
  return sql`SELECT ${HEAD},
               coalesce((SELECT json_object_agg(s.id, s.region) FROM customer_sites s
                          WHERE s.customer_id = c.id AND s.id = ANY(${siteIds}::uuid[])), '{}') AS sites,
               coalesce((SELECT json_object_agg(si.id, json_build_object('productCode', si.product_code, 'siteId', si.site_id, 'state', si.state))
                           FROM service_instances si WHERE si.customer_id = c.id AND si.id = ANY(${instanceIds}::uuid[])), '{}') AS instances
          FROM customers c WHERE c.id = ${customerId}`;
}

const orderContextHead = (row: OrderContextRow | undefined): OrderContextHead | undefined =>
  row && { ...head(row), sites: row.sites, instances: row.instances };

/**
 * What an order needs, in one query (a part of the order's batch of reads,
 * beside its arrears standing): the head, plus which of the named sites
 * (id → region) and service instances are this customer's.
 */
export function orderContextIn(
  batch: ReadBatch,
  customerId: string,
  siteIds: string[],
  instanceIds: string[],
): BatchPart<OrderContextHead | undefined> {
  // Through JSON: archived_at arrives as text, which head only tests for null.
  return batch.add<OrderContextRow>(orderContextSql(customerId, siteIds, instanceIds)).map(([row]) => orderContextHead(row));
}

/** Each customer's account manager (null: none); unknown ids are left out. */
export async function accountManagersOf(db: Db, customerIds: string[]): Promise<Map<string, string | null>> {
  const found = await rows<{ id: string; account_manager_id: string | null }>(
    db,
    sql`SELECT id, account_manager_id FROM customers WHERE id = ANY(${customerIds}::uuid[])`,
  );
  return new Map(found.map((r) => [r.id, r.account_manager_id]));
}

/** Home region and account manager. */
export async function ownershipOf(
  db: Db,
  customerId: string,
): Promise<{ homeRegion: string; accountManagerId: string | null } | undefined> {
  const row = await firstRow<{ home_region: string; account_manager_id: string | null }>(
    db,
    sql`SELECT home_region, account_manager_id FROM customers WHERE id = ${customerId}`,
  );
  return row && { homeRegion: row.home_region, accountManagerId: row.account_manager_id };
}

// ---- creating, transferring ----

export function creditCodeInUse(em: EntityManager, creditCode: string): Promise<boolean> {
  return em.exists(Customer, { where: { creditCode } });
}

export interface NewCustomer {
  name: string;
  creditCode: string;
  tier: Tier;
  industry: string;
  homeRegion: string;
  greenChannel: boolean;
  contract24x7: boolean;
  accountManagerId: string | null;
}

/** Inserts the customer at version 1; its id. A taken credit code fails on the unique index (23505). */
export async function insertCustomer(em: EntityManager, c: NewCustomer): Promise<string> {
  const inserted = await em.insert(Customer, { ...c, version: 1 });
  return inserted.identifiers[0].id as string;
}

export async function insertContacts(
  em: EntityManager,
  customerId: string,
  contacts: { name: string; mobile: string; role: ContactRole; notificationsOptOut?: boolean }[],
) {
  await em.insert(
    Contact,
    contacts.map((c) => ({ ...c, notificationsOptOut: c.notificationsOptOut ?? false, customerId, version: 1 })),
  );
}

export async function insertSites(em: EntityManager, customerId: string, sites: { name: string; region: string; address: string }[]) {
  await em.insert(
    Site,
    sites.map((s) => ({ ...s, customerId, version: 1 })),
  );
}

export async function insertTransfer(
  em: EntityManager,
  t: { customerId: string; fromAccountManagerId?: string | null; toAccountManagerId: string; reason: string; transferredBy: string },
): Promise<void> {
  await em.insert(AccountManagerTransfer, t);
}

/** The customer's account manager transfers, oldest first. */
export function transfersOf(em: EntityManager, customerId: string): Promise<AccountManagerTransfer[]> {
  return em.find(AccountManagerTransfer, { where: { customerId }, order: { transferredAt: 'ASC' } });
}

// ---- search ----

/**
 * How the search box matched: an identifier (mobile, credit code, customer
 * number) or access number looked up exactly, customers already found by
 * access number, or a name fragment on the name's bigrams (longer than two
 * characters: confirmed with LIKE).
 */
export type CustomerSearch =
  | { by: 'identifier'; term: string }
  | { by: 'ids'; ids: string[] }
  | { by: 'name'; term: string; like: string | null; contactCustomerIds: string[] };

export interface CustomerFilter {
  archived?: boolean;
  tier?: Tier;
  greenChannel?: boolean;
  accountManagerId?: string;
  /** LIKE patterns the home region or a site must match (the ?region= filter). */
  regionPatterns?: string[];
  /** LIKE patterns of the caller's scope, or null for nationwide. */
  scope: string[] | null;
  search?: CustomerSearch;
}

/** At most this many customers are found through their contacts' names (a common personal name would otherwise list thousands). */
export const CONTACT_NAME_MATCHES_MAX = 1000;

/**
 * In one round trip: the customers with a service instance of this access
 * number, and (when `name` is given) those with a contact whose name holds
 * the fragment, on the contacts' bigram index (longer than two characters:
 * confirmed with LIKE), up to CONTACT_NAME_MATCHES_MAX.
 */
export async function customersByAccessNoOrContact(
  db: Db,
  accessNo: string,
  name: { term: string; like: string | null } | null,
): Promise<{ byAccessNo: string[]; byContactName: string[] }> {
  const contacts = name
    ? sql`UNION ALL
          (SELECT DISTINCT customer_id, 'contact' FROM customer_contacts
            WHERE name_bigrams @> focus_one_bigrams(${name.term}) ${name.like === null ? empty : sql`AND lower(name) LIKE ${name.like}`}
            LIMIT ${CONTACT_NAME_MATCHES_MAX})`
    : empty;
  const found = await rows<{ customer_id: string; via: 'access' | 'contact' }>(
    db,
    sql`SELECT customer_id, 'access' AS via FROM service_instances WHERE access_no = ${accessNo} ${contacts}`,
  );
  return {
    byAccessNo: found.filter((r) => r.via === 'access').map((r) => r.customer_id),
    byContactName: found.filter((r) => r.via === 'contact').map((r) => r.customer_id),
  };
}

/**
 * A summary's columns under the API's field names, in CustomerSummaryDto's
 * order: the page is answered from these rows as they come (profiled:
 * building the statement with TypeORM's query builder and hydrating Customer
 * entities cost more CPU than the lookup's SQL).
 */
const SUMMARY = sql`c.id, c.customer_no AS "customerNo", c.name, c.credit_code AS "creditCode", c.tier, c.industry,
  c.home_region AS "homeRegion", c.green_channel AS "greenChannel", c.contract_24x7 AS "contract24x7",
  c.account_manager_id AS "accountManagerId", c.archived_at AS "archivedAt", c.version,
  c.created_at AS "createdAt", c.updated_at AS "updatedAt"`;

/** One page of matches, by customer number, as summaries. */
export function customerPage(dataSource: DataSource, f: CustomerFilter, limit: number, offset: number): Promise<CustomerSummaryDto[]> {
  const page = sql`SELECT ${SUMMARY} FROM customers c WHERE ${matching(f)} ORDER BY c.customer_no LIMIT ${limit} OFFSET ${offset}`;
  // An exact lookup, the hotline's usual search, has one text per filter combination: prepared, planned once per connection.
  return f.search?.by === 'identifier' ? preparedRows(dataSource, page) : rows(dataSource.manager, page);
}

/** How many customers match, counting no further than `cap` (a broad name match costs as much to count as to list). */
export async function countCustomersUpTo(db: Db, f: CustomerFilter, cap: number): Promise<number> {
  const [{ n }] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM customers c WHERE ${matching(f)} LIMIT ${cap}) AS page`,
  );
  return n;
}

/** The WHERE clause of a customer search (alias `c`). */
function matching(f: CustomerFilter): Sql {
  const where: Sql[] = [];
  if (!f.archived) where.push(sql`c.archived_at IS NULL`);
  if (f.tier) where.push(sql`c.tier = ${f.tier}`);
  if (f.greenChannel !== undefined) where.push(sql`c.green_channel = ${f.greenChannel}`);
  if (f.accountManagerId) where.push(sql`c.account_manager_id = ${f.accountManagerId}`);
  if (f.regionPatterns) where.push(inRegions(f.regionPatterns));
  if (f.scope) where.push(inRegions(f.scope));
  const s = f.search;
  if (s?.by === 'identifier') {
    where.push(sql`c.id IN (
        SELECT customer_id FROM customer_contacts WHERE mobile = ${s.term}
        UNION SELECT customer_id FROM service_instances WHERE access_no = ${s.term}
        UNION SELECT id FROM customers WHERE customer_no = upper(${s.term}) OR credit_code = upper(${s.term}))`);
  } else if (s?.by === 'ids') {
    where.push(s.ids.length ? sql`c.id IN (${join(s.ids)})` : sql`false`);
  } else if (s?.by === 'name') {
    const own = sql`c.name_bigrams @> focus_one_bigrams(${s.term})${s.like !== null ? sql` AND lower(c.name) LIKE ${s.like}` : empty}`;
    // Without a contact match the statement is exactly the name search it was (its plans are in docs/PERFORMANCE.md).
    where.push(s.contactCustomerIds.length ? sql`((${own}) OR c.id = ANY(${s.contactCustomerIds}))` : own);
  }
  return where.length ? join(where, ' AND ') : sql`true`;
}

/**
 * Customers whose home region or any site is under one of the prefixes. One
 * LIKE per prefix on each text_pattern_ops index, joined by UNION, so the
 * planner probes indexes instead of scanning every customer and site.
 */
function inRegions(patterns: string[]): Sql {
  const any = (column: Sql) =>
    join(
      patterns.map((p) => sql`${column} LIKE ${p}`),
      ' OR ',
    );
  return sql`c.id IN (SELECT id FROM customers WHERE ${any(raw('home_region'))} UNION SELECT customer_id FROM customer_sites WHERE ${any(raw('region'))})`;
}

// ---- case lists (read by the case modules) ----

/**
 * Limits a list of cases (any kind with `region` and `customer_id` columns) to
 * what the caller may see: cases in their regions, cases of customers whose
 * home region they cover, and their own customers' cases.
 */
export function restrictCaseList(qb: WhereExpressionBuilder, alias: string, auth: AuthContext): void {
  const scope = scopePatterns(auth);
  if (!scope) return;
  qb.andWhere(
    `(${alias}.region LIKE ANY(:scope) OR ${alias}.customer_id IN (SELECT id FROM customers WHERE home_region LIKE ANY(:scope) OR account_manager_id = :me))`,
    { scope, me: auth.staffId },
  );
}

/** Which of these credit codes a customer already has. */
export async function creditCodesInUse(em: EntityManager, codes: string[]): Promise<string[]> {
  const found = await em
    .getRepository(Customer)
    .createQueryBuilder('c')
    .select('c.creditCode')
    .where('c.credit_code IN (:...codes)', { codes })
    .getMany();
  return found.map((c) => c.creditCode);
}

// ---- whole records, newest first (the TMF629 list) ----

export type { InstantBounds };

export interface RecordFilter {
  ids?: string[];
  /** Exact names (any of). */
  names?: string[];
  /** true: archived only; false: live only; undefined: both. */
  archived?: boolean;
  createdAt?: InstantBounds;
  /** LIKE patterns of the caller's scope, or null for nationwide. */
  scope: string[] | null;
}

/** One page of whole records (contacts, sites, service instances), newest first, and how many match. */
export async function customerRecordPage(
  em: EntityManager,
  f: RecordFilter,
  limit: number,
  offset: number,
): Promise<{ rows: Customer[]; total: number }> {
  const where: Sql[] = [];
  if (f.ids) where.push(f.ids.length ? sql`c.id IN (${join(f.ids)})` : sql`false`);
  if (f.names) where.push(f.names.length ? sql`c.name IN (${join(f.names)})` : sql`false`);
  if (f.archived === true) where.push(sql`c.archived_at IS NOT NULL`);
  if (f.archived === false) where.push(sql`c.archived_at IS NULL`);
  for (const [cmp, at] of millisecondComparisons(f.createdAt ?? {})) where.push(sql`c.created_at ${raw(cmp)} ${at}`);
  if (f.scope) where.push(inRegions(f.scope));
  const matching = where.length ? join(where, ' AND ') : sql`true`;
  const page = await rows<{ id: string; total: number }>(
    em,
    sql`SELECT c.id, count(*) OVER ()::int AS total FROM customers c WHERE ${matching}
         ORDER BY c.created_at DESC, c.id DESC LIMIT ${limit} OFFSET ${offset}`,
  );
  // Past the last page the window counts nothing: count on its own then.
  const total =
    page[0]?.total ??
    (offset > 0 ? (await rows<{ n: number }>(em, sql`SELECT count(*)::int AS n FROM customers c WHERE ${matching}`))[0].n : 0);
  if (!page.length) return { rows: [], total };
  const whole = await em.getRepository(Customer).find({
    where: { id: In(page.map((c) => c.id)) },
    relations: { contacts: true, sites: true, serviceInstances: true },
    order: { contacts: { createdAt: 'ASC' }, sites: { createdAt: 'ASC' }, serviceInstances: { createdAt: 'ASC' } },
  });
  const byId = new Map(whole.map((c) => [c.id, c]));
  return { rows: page.map((c) => byId.get(c.id)!).filter(Boolean), total };
}
