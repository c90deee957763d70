import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthContext } from '../common/auth/auth-context';
import { WriteBatch } from '../common/write-batch';
import { sql } from '../common/sql';
import { CaseIndexEntry } from './case-index.entity';
import { caseIdByNumber } from './case-index.repository';
import { isUuid } from './case-ref';
import { DomainError } from '../common/errors/domain-error';
import { CaseKind } from './case-kind';
import { CaseTimelineEntry } from './case-timeline.entity';

export type CaseIndexFields = Omit<CaseIndexEntry, 'updatedAt'>;

/** The case index and timeline: what every case kind shares. */
@Injectable()
export class CasesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * A state change of one case in one statement: its index row and its
   * timeline line (a hot path, e.g. every work order the fulfilment queue
   * dispatches). Same effect as updateIndex + record.
   */
  async updateIndexAndRecord(
    em: EntityManager,
    kind: CaseKind,
    id: string,
    changes: Pick<Partial<CaseIndexFields>, 'state' | 'isOpen' | 'closedAt' | 'assigneeId'>,
    type: string,
    actor: Pick<AuthContext, 'staffId' | 'username'> | null,
    data: Record<string, unknown>,
  ): Promise<void> {
    await em.query(
      `WITH i AS (
         UPDATE case_index SET state = coalesce($3, state), is_open = coalesce($4, is_open),
                closed_at = CASE WHEN $5::boolean THEN $6::timestamptz ELSE closed_at END,
                assignee_id = CASE WHEN $7::boolean THEN $8::uuid ELSE assignee_id END, updated_at = now()
          WHERE kind = $1 AND id = $2
       )
       INSERT INTO case_timeline (case_kind, case_id, type, actor_id, actor_name, data) VALUES ($1, $2, $9, $10, $11, $12)`,
      [
        kind,
        id,
        changes.state ?? null,
        changes.isOpen ?? null,
        'closedAt' in changes,
        changes.closedAt ?? null,
        'assigneeId' in changes,
        changes.assigneeId ?? null,
        type,
        actor?.staffId ?? null,
        actor?.username ?? 'system',
        JSON.stringify(data),
      ],
    );
  }

  /** Many cases of one kind change state, by one actor: their index rows and `state_changed` lines in one statement. */
  async recordStateChanges(
    em: EntityManager,
    kind: CaseKind,
    actor: Pick<AuthContext, 'staffId' | 'username'> | null,
    changes: { id: string; state: string; data: Record<string, unknown> }[],
  ): Promise<void> {
    if (!changes.length) return;
    await em.query(
      `WITH x AS (SELECT * FROM unnest($2::uuid[], $3::text[], $4::jsonb[]) AS x(id, state, data)),
            i AS (UPDATE case_index c SET state = x.state, updated_at = now() FROM x WHERE c.kind = $1 AND c.id = x.id)
       INSERT INTO case_timeline (case_kind, case_id, type, actor_id, actor_name, data)
       SELECT $1, x.id, 'state_changed', $5::uuid, $6, x.data FROM x`,
      [
        kind,
        changes.map((c) => c.id),
        changes.map((c) => c.state),
        changes.map((c) => JSON.stringify(c.data)),
        actor?.staffId ?? null,
        actor?.username ?? 'system',
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
    batch.add(
      sql`INSERT INTO case_timeline (case_kind, case_id, type, actor_id, actor_name, data)
          VALUES (${kind}, ${caseId}, ${type}, ${actor?.staffId ?? null}, ${actor?.username ?? 'system'}, ${JSON.stringify(data)}::jsonb)`,
    );
  }

  /** Timeline lines written by the system (SLA events), many in one statement. */
  async recordSystemMany(
    em: EntityManager,
    entries: { kind: string; caseId: string; type: string; data: Record<string, unknown> }[],
  ): Promise<void> {
    if (!entries.length) return;
    await em.query(
      `INSERT INTO case_timeline (case_kind, case_id, type, actor_name, data)
       SELECT k, id, t, 'system', d FROM unnest($1::text[], $2::uuid[], $3::text[], $4::jsonb[]) AS x(k, id, t, d)`,
      [entries.map((e) => e.kind), entries.map((e) => e.caseId), entries.map((e) => e.type), entries.map((e) => JSON.stringify(e.data))],
    );
  }

  /**
   * Reads a case by its UUID or its case number (CaseRefPipe): a number is
   * resolved to the id through case_index, then `read` applies the kind's
   * own access checks. Every "not found" names what the caller typed, so a
   * case outside their scope reads exactly like a number that does not exist.
   */
  async read<T>(ref: string, kinds: readonly CaseKind[], notFound: (ref: string) => Error, read: (id: string) => Promise<T>): Promise<T> {
    if (isUuid(ref)) return read(ref);
    const id = await caseIdByNumber(this.dataSource, ref, kinds);
    if (!id) throw notFound(ref);
    try {
      return await read(id);
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'not_found') throw notFound(ref);
      throw err;
    }
  }

  timeline(kind: string, caseId: string): Promise<CaseTimelineEntry[]> {
    return this.dataSource.getRepository(CaseTimelineEntry).find({ where: { caseKind: kind, caseId }, order: { id: 'ASC' } });
  }
}
