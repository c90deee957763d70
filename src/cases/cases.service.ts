import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthContext } from '../common/auth/auth-context';
import { WriteBatch } from '../common/write-batch';
import { CaseIndexEntry } from './case-index.entity';
import { CaseKind } from './case-kind';
import { CaseTimelineEntry } from './case-timeline.entity';

export type CaseIndexFields = Omit<CaseIndexEntry, 'updatedAt'>;

/** The case index and timeline: what every case kind shares. */
@Injectable()
export class CasesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async index(em: EntityManager, entry: CaseIndexFields): Promise<void> {
    await WriteBatch.alone(em, (batch) => this.indexIn(batch, entry));
  }

  /** The case's index row as part of a batch of inserts (a new case: one round trip for all its rows). */
  indexIn(batch: WriteBatch, e: CaseIndexFields): void {
    void batch.add(
      `INSERT INTO case_index (kind, id, case_no, customer_id, region, title, state, priority, green_channel, is_open, assignee_id, opened_at, closed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (kind, id) DO UPDATE SET case_no = EXCLUDED.case_no, customer_id = EXCLUDED.customer_id, region = EXCLUDED.region,
         title = EXCLUDED.title, state = EXCLUDED.state, priority = EXCLUDED.priority, green_channel = EXCLUDED.green_channel,
         is_open = EXCLUDED.is_open, assignee_id = EXCLUDED.assignee_id, opened_at = EXCLUDED.opened_at, closed_at = EXCLUDED.closed_at,
         updated_at = now()`,
      [e.kind, e.id, e.caseNo, e.customerId, e.region, e.title, e.state, e.priority, e.greenChannel, e.isOpen, e.assigneeId, e.openedAt, e.closedAt],
    );
  }

  async updateIndex(em: EntityManager, kind: CaseKind, id: string, changes: Partial<CaseIndexFields>): Promise<void> {
    await em.update(CaseIndexEntry, { kind, id }, { ...changes, updatedAt: new Date() });
  }

  async record(
    em: EntityManager,
    kind: string,
    caseId: string,
    type: string,
    actor: Pick<AuthContext, 'staffId' | 'username'> | null,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    await WriteBatch.alone(em, (batch) => this.recordIn(batch, kind, caseId, type, actor, data));
  }

  /** One timeline line as part of a batch of inserts. */
  recordIn(
    batch: WriteBatch,
    kind: string,
    caseId: string,
    type: string,
    actor: Pick<AuthContext, 'staffId' | 'username'> | null,
    data: Record<string, unknown> = {},
  ): void {
    void batch.add(`INSERT INTO case_timeline (case_kind, case_id, type, actor_id, actor_name, data) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`, [
      kind,
      caseId,
      type,
      actor?.staffId ?? null,
      actor?.username ?? 'system',
      JSON.stringify(data),
    ]);
  }

  /** Timeline lines written by the system (SLA events), many in one statement. */
  async recordSystemMany(em: EntityManager, entries: { kind: string; caseId: string; type: string; data: Record<string, unknown> }[]): Promise<void> {
    if (!entries.length) return;
    await em.query(
      `INSERT INTO case_timeline (case_kind, case_id, type, actor_name, data)
       SELECT k, id, t, 'system', d FROM unnest($1::text[], $2::uuid[], $3::text[], $4::jsonb[]) AS x(k, id, t, d)`,
      [entries.map((e) => e.kind), entries.map((e) => e.caseId), entries.map((e) => e.type), entries.map((e) => JSON.stringify(e.data))],
    );
  }

  timeline(kind: string, caseId: string): Promise<CaseTimelineEntry[]> {
    return this.dataSource.getRepository(CaseTimelineEntry).find({ where: { caseKind: kind, caseId }, order: { id: 'ASC' } });
  }
}
