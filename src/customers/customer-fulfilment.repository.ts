import type { EntityManager } from 'typeorm';
import { rows, sql } from '../common/sql';
import type { ContactRole } from './customer-record.port';
import { ServiceInstance } from './service-instance.entity';

/**
 * What the fulfilment of orders reads and writes of the customer record:
 * the sites and the contact a field team needs, and the service instances a
 * completed work order adds, modifies or terminates.
 */

export interface FieldSiteRow {
  id: string;
  customerId: string;
  name: string;
  address: string;
  region: string;
}

/** One customer's contact for the field team, and what masking and the audit row need of the customer. */
export interface FieldContactRow {
  customerId: string;
  accountManagerId: string | null;
  homeRegion: string;
  siteRegions: string[];
  contact: { name: string; mobile: string; role: ContactRole } | null;
}

export async function sitesByIds(db: EntityManager, siteIds: string[]): Promise<FieldSiteRow[]> {
  if (!siteIds.length) return [];
  return rows<FieldSiteRow>(
    db,
    sql`SELECT id, customer_id AS "customerId", name, address, region FROM customer_sites WHERE id = ANY(${siteIds}::uuid[])`,
  );
}

/**
 * Each customer's contact for site work: the technical contact, else the
 * primary one, else any (the order of `roles`), oldest first within a role.
 */
export async function fieldContactsOf(db: EntityManager, customerIds: string[], roles: readonly ContactRole[]): Promise<FieldContactRow[]> {
  if (!customerIds.length) return [];
  return rows<FieldContactRow>(
    db,
    sql`SELECT c.id AS "customerId", c.account_manager_id AS "accountManagerId", c.home_region AS "homeRegion",
               coalesce((SELECT array_agg(s.region) FROM customer_sites s WHERE s.customer_id = c.id), '{}') AS "siteRegions",
               (SELECT json_build_object('name', k.name, 'mobile', k.mobile, 'role', k.role)
                  FROM customer_contacts k
                 WHERE k.customer_id = c.id
                 ORDER BY array_position(${[...roles]}::text[], k.role), k.created_at, k.id
                 LIMIT 1) AS contact
          FROM customers c WHERE c.id = ANY(${customerIds}::uuid[])`,
  );
}

/** The customer's service instances among `ids`, locked in id order (two completions touching the same ones never deadlock). */
export function lockInstancesOf(em: EntityManager, customerId: string, ids: string[]): Promise<ServiceInstance[]> {
  if (!ids.length) return Promise.resolve([]);
  return em
    .getRepository(ServiceInstance)
    .createQueryBuilder('s')
    .where('s.customer_id = :customerId AND s.id = ANY(:ids)', { customerId, ids })
    .orderBy('s.id')
    .setLock('pessimistic_write')
    .getMany();
}

/** A service instance an order's add line brought into service, at version 1. */
export function insertFulfilledInstance(
  em: EntityManager,
  s: Pick<ServiceInstance, 'customerId' | 'productCode' | 'siteId' | 'accessNo' | 'attributes' | 'orderItemId'>,
): Promise<ServiceInstance> {
  return em.save(em.create(ServiceInstance, { ...s, state: 'active', terminatedAt: null, version: 1 }));
}

/** Which of these access numbers some service instance, of any customer, already has. */
export async function accessNosInUse(db: EntityManager, accessNos: string[]): Promise<string[]> {
  if (!accessNos.length) return [];
  const found = await rows<{ access_no: string }>(
    db,
    sql`SELECT access_no FROM service_instances WHERE access_no = ANY(${accessNos}::text[])`,
  );
  return found.map((r) => r.access_no);
}
