import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthContext } from '../common/auth/auth-context';
import { WriteBatch } from '../common/write-batch';
import { CaseIndexEntry } from './case-index.entity';
import {
  addTimelineLineIn,
  caseIdByNumber,
  caseNumberOf,
  caseNumbersOf,
  recordStateChangesIn,
  recordSystemManyIn,
  updateIndexAndRecordIn,
} from './case-index.repository';
import { isUuid } from './case-ref';
import { DomainError } from '../common/errors/domain-error';
import { CaseKind } from './case-kind';
import { CaseTimelineEntry } from './case-timeline.entity';
import type { CaseNames } from './case-names';
import { caseNamesOf } from './case-names.repository';
import type { Priority } from './priority';
import type { Db } from '../common/sql';

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
    await updateIndexAndRecordIn(em, kind, id, changes, type, actor, data);
  }

  /** Many cases of one kind change state, by one actor: their index rows and `state_changed` lines in one statement. */
  async recordStateChanges(
    em: EntityManager,
    kind: CaseKind,
    actor: Pick<AuthContext, 'staffId' | 'username'> | null,
    changes: { id: string; state: string; data: Record<string, unknown> }[],
  ): Promise<void> {
    if (!changes.length) return;
    await recordStateChangesIn(em, kind, actor, changes);
  }

  /**
   * The names events about these cases carry (src/cases/case-names.ts), as
   * their index rows stand in the caller's transaction, by case id: one query
   * however many cases (an event builder's caller reads once per statement
   * or batch, never per event).
   */
  names(db: Db, refs: { kind: string; id: string }[]): Promise<Map<string, CaseNames & { priority: Priority }>> {
    return caseNamesOf(db, refs);
  }

  /** The names of one case (read after its index row is updated, so an assignment names the new assignee). */
  async namesOf(db: Db, kind: string, id: string): Promise<CaseNames & { priority: Priority }> {
    const found = (await caseNamesOf(db, [{ kind, id }])).get(id);
    if (!found) throw new Error(`case ${kind} ${id} has no index row`);
    return found;
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
    addTimelineLineIn(batch, kind, caseId, type, actor, data);
  }

  /** Timeline lines written by the system (SLA events), many in one statement. */
  async recordSystemMany(
    em: EntityManager,
    entries: { kind: string; caseId: string; type: string; data: Record<string, unknown> }[],
  ): Promise<void> {
    if (!entries.length) return;
    await recordSystemManyIn(em, entries);
  }

  /** The case number of a case, or null. */
  caseNumberOf(kind: CaseKind, id: string): Promise<string | null> {
    return caseNumberOf(this.dataSource.manager, kind, id);
  }

  /** The case numbers of many cases of one kind (a page's links), in one read. */
  caseNumbersOf(kind: CaseKind, ids: string[]): Promise<Map<string, string>> {
    return caseNumbersOf(this.dataSource.manager, kind, ids);
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
