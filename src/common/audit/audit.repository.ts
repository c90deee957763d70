import type { Db, Sql } from '../sql';
import { execute, sql } from '../sql';
import type { WriteBatch } from '../write-batch';
import { AuditEntry } from './audit-entry.entity';
import type { EntityManager } from 'typeorm';

/** Who wrote an audit row: a staff member, or the system (no id, username 'system'). */
export interface AuditActor {
  actorId: string | null;
  actorUsername: string;
  requestId: string | null;
}

/** One audit row as written. */
export interface AuditRow {
  action: string;
  entity: string;
  entityId: string;
  /** The changed fields as stored (already redacted), null for none. */
  changes: unknown;
  regions: readonly string[];
  /** Its home region joins `regions` (read in the same statement). */
  customerId: string | null;
}

export interface AuditFilter {
  /** The caller's scope prefixes, or null for a nationwide reader. */
  scopes: string[] | null;
  entity?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
}

/** An entry's regions: the given ones plus the home region of its customer, sorted and without repeats. */
function regionsSql(regions: readonly string[], customerId: string | null): Sql {
  return sql`ARRAY(SELECT DISTINCT r FROM unnest(${[...regions]}::text[] || ARRAY(SELECT home_region FROM customers WHERE id = ${customerId}::uuid)) AS r ORDER BY r)`;
}

/** One audit row in a batch of inserts (the caller's statement or transaction commits it with the change). */
export function insertAuditIn(batch: WriteBatch, actor: AuditActor, row: AuditRow): void {
  const changes = row.changes ? JSON.stringify(row.changes) : null;
  batch.add(
    sql`INSERT INTO audit_log (regions, actor_id, actor_username, action, entity, entity_id, changes, request_id)
        VALUES (${regionsSql(row.regions, row.customerId)}, ${actor.actorId}, ${actor.actorUsername},
                ${row.action}, ${row.entity}, ${row.entityId}, ${changes}::jsonb, ${actor.requestId})`,
  );
}

/** Many rows of one actor in one statement. */
export async function insertAuditMany(db: Db, actor: AuditActor, rows: AuditRow[]): Promise<void> {
  await execute(
    db,
    sql`INSERT INTO audit_log (actor_id, actor_username, action, entity, entity_id, changes, request_id, regions)
        SELECT ${actor.actorId}::uuid, ${actor.actorUsername}, a, e, i, c, ${actor.requestId},
               ARRAY(SELECT DISTINCT r FROM unnest(ARRAY(SELECT jsonb_array_elements_text(rg)) || ARRAY(SELECT home_region FROM customers WHERE id = cu)) AS r ORDER BY r)
          FROM unnest(${rows.map((r) => r.action)}::text[], ${rows.map((r) => r.entity)}::text[], ${rows.map((r) => r.entityId)}::text[],
                      ${rows.map((r) => (r.changes ? JSON.stringify(r.changes) : null))}::jsonb[],
                      ${rows.map((r) => JSON.stringify(r.regions))}::jsonb[], ${rows.map((r) => r.customerId)}::uuid[])
               AS x(a, e, i, c, rg, cu)`,
  );
}

/**
 * Newest first. A scoped reader sees an entry when one of its regions is
 * within the scope: the entry's scope keys are indexed (GIN).
 */
export async function auditPage(
  db: EntityManager,
  f: AuditFilter,
  limit: number,
  offset: number,
): Promise<{ items: AuditEntry[]; total: number }> {
  const qb = db.getRepository(AuditEntry).createQueryBuilder('a');
  if (f.scopes) qb.andWhere('focus_one_scope_keys(a.regions) && :scopes', { scopes: f.scopes });
  if (f.entity) qb.andWhere('a.entity = :entity', { entity: f.entity });
  if (f.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: f.entityId });
  if (f.actorId) qb.andWhere('a.actor_id = :actorId', { actorId: f.actorId });
  if (f.action) qb.andWhere('a.action = :action', { action: f.action });
  const [items, total] = await qb.orderBy('a.id', 'DESC').take(limit).skip(offset).getManyAndCount();
  return { items, total };
}
