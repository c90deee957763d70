import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthContext } from '../common/auth/auth-context';
import { CaseIndexEntry } from './case-index.entity';
import { CaseKind } from './case-kind';
import { CaseTimelineEntry } from './case-timeline.entity';

export type CaseIndexFields = Omit<CaseIndexEntry, 'updatedAt'>;

/** The case index and timeline: what every case kind shares. */
@Injectable()
export class CasesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async index(em: EntityManager, entry: CaseIndexFields): Promise<void> {
    await em.upsert(CaseIndexEntry, { ...entry, updatedAt: new Date() }, ['kind', 'id']);
  }

  /** Many index rows in one statement (an order and its work orders are indexed together). */
  async indexMany(em: EntityManager, entries: CaseIndexFields[]): Promise<void> {
    if (!entries.length) return;
    const col = <K extends keyof CaseIndexFields>(k: K) => entries.map((e) => e[k]);
    await em.query(
      `INSERT INTO case_index (kind, id, case_no, customer_id, region, title, state, priority, green_channel, is_open, assignee_id, opened_at, closed_at)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::smallint[],
                            $9::boolean[], $10::boolean[], $11::uuid[], $12::timestamptz[], $13::timestamptz[])`,
      [
        col('kind'), col('id'), col('caseNo'), col('customerId'), col('region'), col('title'), col('state'),
        col('priority'), col('greenChannel'), col('isOpen'), col('assigneeId'), col('openedAt'), col('closedAt'),
      ],
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
    await em.insert(CaseTimelineEntry, {
      caseKind: kind,
      caseId,
      type,
      actorId: actor?.staffId ?? null,
      actorName: actor?.username ?? 'system',
      data: data as never,
    });
  }

  /** Timeline lines of one actor (null: the system) on many cases, in one statement. */
  async recordMany(
    em: EntityManager,
    actor: Pick<AuthContext, 'staffId' | 'username'> | null,
    entries: { kind: string; caseId: string; type: string; data: Record<string, unknown> }[],
  ): Promise<void> {
    if (!entries.length) return;
    await em.query(
      `INSERT INTO case_timeline (case_kind, case_id, type, actor_id, actor_name, data)
       SELECT k, id, t, $5::uuid, $6, d FROM unnest($1::text[], $2::uuid[], $3::text[], $4::jsonb[]) AS x(k, id, t, d)`,
      [
        entries.map((e) => e.kind), entries.map((e) => e.caseId), entries.map((e) => e.type), entries.map((e) => JSON.stringify(e.data)),
        actor?.staffId ?? null, actor?.username ?? 'system',
      ],
    );
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
