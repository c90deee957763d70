import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthContext } from '../auth/auth-context';
import { isNationwide } from '../auth/region-scope';
import { redactPii } from '../masking';
import { WriteBatch } from '../write-batch';
import { sql, type Sql } from '../sql';
import { Page } from '../pagination/page';
import { AuditEntry } from './audit-entry.entity';

export interface AuditRecord {
  action: string;
  entity: string;
  entityId: string;
  changes?: Record<string, unknown>;
  /**
   * The regions of what the entry concerns: a case's region, a customer's
   * home and site regions, where a payment was collected, a staff member's
   * scopes… A regional director reads the entries of their regions only;
   * `[]` (configuration that concerns no one region) is for nationwide readers.
   */
  regions: readonly string[];
  /** The customer the entry concerns, if any: its home region is added (read in the same statement). */
  customerId?: string | null;
}

/**
 * An entry's regions: the given ones plus the home region of its customer,
 * sorted and without repeats (`$1` the regions, `$2` the customer id).
 */
function regionsSql(regions: readonly string[], customerId: string | null): Sql {
  return sql`ARRAY(SELECT DISTINCT r FROM unnest(${[...regions]}::text[] || ARRAY(SELECT home_region FROM customers WHERE id = ${customerId}::uuid)) AS r ORDER BY r)`;
}

/** Field → {from, to} for the fields that differ. */
export function changedFields<T extends object>(before: T, after: Partial<T>): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [k, to] of Object.entries(after)) {
    const from = (before as Record<string, unknown>)[k];
    if (to !== undefined && JSON.stringify(from) !== JSON.stringify(to)) out[k] = { from, to };
  }
  return out;
}

@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Writes one audit row in the caller's transaction, so the row and the change commit together. */
  async record(em: EntityManager, actor: AuthContext | null, record: AuditRecord): Promise<void> {
    await WriteBatch.alone(em, (batch) => this.recordIn(batch, actor, record));
  }

  /** The same row as part of a batch of inserts (the caller runs the batch in its transaction). */
  recordIn(batch: WriteBatch, actor: AuthContext | null, record: AuditRecord): void {
    const changes = record.changes ? JSON.stringify(redactPii(record.changes)) : null;
    batch.add(
      sql`INSERT INTO audit_log (regions, actor_id, actor_username, action, entity, entity_id, changes, request_id)
          VALUES (${regionsSql(record.regions, record.customerId ?? null)}, ${actor?.staffId ?? null}, ${actor?.username ?? 'system'},
                  ${record.action}, ${record.entity}, ${record.entityId}, ${changes}::jsonb, ${actor?.requestId ?? null})`,
    );
  }

  /** Many audit rows of one actor in one statement, in the caller's transaction (set-based work such as dispatching a batch). */
  async recordMany(em: EntityManager, actor: AuthContext | null, records: AuditRecord[]): Promise<void> {
    if (!records.length) return;
    await em.query(
      `INSERT INTO audit_log (actor_id, actor_username, action, entity, entity_id, changes, request_id, regions)
       SELECT $1::uuid, $2, a, e, i, c, $3,
              ARRAY(SELECT DISTINCT r FROM unnest(ARRAY(SELECT jsonb_array_elements_text(rg)) || ARRAY(SELECT home_region FROM customers WHERE id = cu)) AS r ORDER BY r)
         FROM unnest($4::text[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[], $9::uuid[]) AS x(a, e, i, c, rg, cu)`,
      [
        actor?.staffId ?? null,
        actor?.username ?? 'system',
        actor?.requestId ?? null,
        records.map((r) => r.action),
        records.map((r) => r.entity),
        records.map((r) => r.entityId),
        records.map((r) => (r.changes ? JSON.stringify(redactPii(r.changes)) : null)),
        records.map((r) => JSON.stringify(r.regions)),
        records.map((r) => r.customerId ?? null),
      ],
    );
  }

  /** For reads that are audited on their own (an unmasked contact list). */
  recordStandalone(actor: AuthContext, record: AuditRecord): Promise<void> {
    return this.record(this.dataSource.manager, actor, record);
  }

  /**
   * Newest first, limited to the caller's regions: an entry is shown when one
   * of its regions is within the caller's scope (admins and nationwide
   * scopes see every entry). The scope keys of each entry are indexed (GIN).
   */
  async list(
    auth: AuthContext,
    filter: { entity?: string; entityId?: string; actorId?: string; action?: string },
    limit: number,
    offset: number,
  ): Promise<Page<AuditEntry>> {
    const qb = this.dataSource.getRepository(AuditEntry).createQueryBuilder('a');
    if (!isNationwide(auth)) qb.andWhere('focus_one_scope_keys(a.regions) && :scopes', { scopes: auth.scopes });
    if (filter.entity) qb.andWhere('a.entity = :entity', { entity: filter.entity });
    if (filter.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: filter.entityId });
    if (filter.actorId) qb.andWhere('a.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.action) qb.andWhere('a.action = :action', { action: filter.action });
    const [items, total] = await qb.orderBy('a.id', 'DESC').take(limit).skip(offset).getManyAndCount();
    return { items, total, limit, offset };
  }
}
