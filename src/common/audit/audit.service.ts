import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthContext } from '../auth/auth-context';
import { isNationwide } from '../auth/region-scope';
import { redactPii } from '../masking';
import { WriteBatch } from '../write-batch';
import { Page } from '../pagination/page';
import { AuditEntry } from './audit-entry.entity';
import { AuditActor, AuditRow, auditPage, insertAuditIn, insertAuditMany } from './audit.repository';

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

/** Field → {from, to} for the fields that differ. */
export function changedFields<T extends object>(before: T, after: Partial<T>): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [k, to] of Object.entries(after)) {
    const from = (before as Record<string, unknown>)[k];
    if (to !== undefined && JSON.stringify(from) !== JSON.stringify(to)) out[k] = { from, to };
  }
  return out;
}

const actorOf = (actor: AuthContext | null): AuditActor => ({
  actorId: actor?.staffId ?? null,
  actorUsername: actor?.username ?? 'system',
  requestId: actor?.requestId ?? null,
});

/** The row as stored: mobiles masked and secrets removed from the changes. */
const rowOf = (record: AuditRecord): AuditRow => ({
  action: record.action,
  entity: record.entity,
  entityId: record.entityId,
  changes: record.changes ? redactPii(record.changes) : null,
  regions: record.regions,
  customerId: record.customerId ?? null,
});

@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Writes one audit row in the caller's transaction, so the row and the change commit together. */
  async record(em: EntityManager, actor: AuthContext | null, record: AuditRecord): Promise<void> {
    await WriteBatch.alone(em, (batch) => this.recordIn(batch, actor, record));
  }

  /** The same row as part of a batch of inserts (the caller runs the batch in its transaction). */
  recordIn(batch: WriteBatch, actor: AuthContext | null, record: AuditRecord): void {
    insertAuditIn(batch, actorOf(actor), rowOf(record));
  }

  /** Many audit rows of one actor in one statement, in the caller's transaction (set-based work such as dispatching a batch). */
  async recordMany(em: EntityManager, actor: AuthContext | null, records: AuditRecord[]): Promise<void> {
    if (!records.length) return;
    await insertAuditMany(em, actorOf(actor), records.map(rowOf));
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
    const { items, total } = await auditPage(
      this.dataSource.manager,
      { scopes: isNationwide(auth) ? null : auth.scopes, ...filter },
      limit,
      offset,
    );
    return { items, total, limit, offset };
  }
}
