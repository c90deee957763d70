import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../common/auth/auth-context';
import { regionUnder } from '../common/escape-like';
import { restrictCaseList } from '../customers/customer-access.port';
import type { FaultQuery } from './dto/fault.dto';
import { sql } from '../common/sql';
import type { BatchPart, WriteBatch } from '../common/write-batch';
import { possibleDuplicatesOf } from './fault-duplicates.repository';
import { Fault } from './fault.entity';
import type { DuplicateRef } from './fault.entity';

/**
 * A new fault's row, as its part of the intake's batch (CaseIntake). The
 * part's value is the possible duplicates the same statement found and
 * stored (possibleDuplicatesOf, issue 11).
 */
export function insertFaultIn(batch: WriteBatch, f: Fault): BatchPart<DuplicateRef[]> {
  return batch
    .add(
      sql`INSERT INTO faults (id, case_no, customer_id, category, severity, title, description, reported_via, service_instance_id, site_id,
                            region, reporter_name, reporter_mobile, state, priority, green_channel, created_by, version, created_at, updated_at,
                            possible_duplicate_of)
        VALUES (${f.id}, ${f.caseNo}, ${f.customerId}, ${f.category}, ${f.severity}, ${f.title}, ${f.description}, ${f.reportedVia},
                ${f.serviceInstanceId}, ${f.siteId}, ${f.region}, ${f.reporterName}, ${f.reporterMobile}, ${f.state}, ${f.priority},
                ${f.greenChannel}, ${f.createdBy}, ${f.version}, ${f.createdAt}, ${f.createdAt}, ${possibleDuplicatesOf(f)})
        RETURNING possible_duplicate_of`,
    )
    .map((rows) => (rows[0]?.possible_duplicate_of ?? []) as DuplicateRef[]);
}

/** These faults, those the caller may list (any order). */
export function faultsByIds(em: EntityManager, auth: AuthContext, ids: string[]): Promise<Fault[]> {
  if (!ids.length) return Promise.resolve([]);
  const qb = em.getRepository(Fault).createQueryBuilder('f').where('f.id IN (:...ids)', { ids });
  restrictCaseList(qb, 'f', auth);
  return qb.getMany();
}

/** One page of the faults and complaints the caller may list, newest first, with the total. */
export function faultPage(em: EntityManager, auth: AuthContext, q: FaultQuery): Promise<[Fault[], number]> {
  const qb = em.getRepository(Fault).createQueryBuilder('f');
  restrictCaseList(qb, 'f', auth);
  if (q.customerId) qb.andWhere('f.customer_id = :customerId', { customerId: q.customerId });
  if (q.state) qb.andWhere('f.state = :state', { state: q.state });
  if (q.category) qb.andWhere('f.category = :category', { category: q.category });
  if (q.unlinked !== undefined) qb.andWhere(`f.customer_id IS ${q.unlinked ? '' : 'NOT '}NULL`);
  if (q.priority) qb.andWhere('f.priority = :priority', { priority: Number(q.priority.slice(1)) });
  if (q.region) qb.andWhere('f.region LIKE :region', { region: regionUnder(q.region) });
  if (q.breached !== undefined) {
    qb.andWhere(
      `${q.breached ? '' : 'NOT '}EXISTS (SELECT 1 FROM sla_clocks c WHERE c.case_kind = f.category AND c.case_id = f.id AND c.breached_at IS NOT NULL)`,
    );
  }
  return qb.orderBy('f.created_at', 'DESC').addOrderBy('f.id').take(q.limit).skip(q.offset).getManyAndCount();
}
