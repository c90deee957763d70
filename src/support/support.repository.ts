import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../common/auth/auth-context';
import { regionUnder } from '../common/escape-like';
import { restrictCaseList } from '../customers/customer-access.port';
import type { SupportRequestQuery } from './dto/support-request.dto';
import { sql } from '../common/sql';
import type { WriteBatch } from '../common/write-batch';
import { SupportRequest } from './support-request.entity';

/** A new support request's row, as its part of the intake's batch (CaseIntake). */
export function insertSupportRequestIn(batch: WriteBatch, r: SupportRequest): void {
  batch.add(
    sql`INSERT INTO support_requests (id, case_no, customer_id, category, severity, description, site_id, preferred_at, contact_name,
                                      contact_mobile, region, state, priority, green_channel, inquiry_id, created_by, version,
                                      created_at, updated_at)
        VALUES (${r.id}, ${r.caseNo}, ${r.customerId}, ${r.category}, ${r.severity}, ${r.description}, ${r.siteId}, ${r.preferredAt},
                ${r.contactName}, ${r.contactMobile}, ${r.region}, ${r.state}, ${r.priority}, ${r.greenChannel}, ${r.inquiryId},
                ${r.createdBy}, ${r.version}, ${r.createdAt}, ${r.updatedAt})`,
  );
}

/** One page of the support requests the caller may list, newest first, with the total. */
export function supportRequestPage(em: EntityManager, auth: AuthContext, q: SupportRequestQuery): Promise<[SupportRequest[], number]> {
  const qb = em.getRepository(SupportRequest).createQueryBuilder('r');
  restrictCaseList(qb, 'r', auth);
  if (q.customerId) qb.andWhere('r.customer_id = :customerId', { customerId: q.customerId });
  if (q.state) qb.andWhere('r.state = :state', { state: q.state });
  if (q.category) qb.andWhere('r.category = :category', { category: q.category });
  if (q.region) qb.andWhere('r.region LIKE :region', { region: regionUnder(q.region) });
  return qb.orderBy('r.created_at', 'DESC').addOrderBy('r.id').take(q.limit).skip(q.offset).getManyAndCount();
}
