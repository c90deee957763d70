import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../common/auth/auth-context';
import { regionUnder } from '../common/escape-like';
import { restrictCaseList } from '../customers/customer-access.port';
import type { InquiryQuery } from './dto/inquiry.dto';
import { sql } from '../common/sql';
import type { WriteBatch } from '../common/write-batch';
import { Inquiry } from './inquiry.entity';

/** A new inquiry's row, as its part of the intake's batch (CaseIntake). */
export function insertInquiryIn(batch: WriteBatch, q: Inquiry): void {
  batch.add(
    sql`INSERT INTO inquiries (id, case_no, customer_id, caller_name, caller_mobile, channel, topic, question, region, urgent, state,
                               priority, green_channel, created_by, version, created_at, updated_at)
        VALUES (${q.id}, ${q.caseNo}, ${q.customerId}, ${q.callerName}, ${q.callerMobile}, ${q.channel}, ${q.topic}, ${q.question},
                ${q.region}, ${q.urgent}, ${q.state}, ${q.priority}, ${q.greenChannel}, ${q.createdBy}, ${q.version},
                ${q.createdAt}, ${q.updatedAt})`,
  );
}

/** One page of the inquiries the caller may list, newest first, with the total. */
export function inquiryPage(em: EntityManager, auth: AuthContext, q: InquiryQuery): Promise<[Inquiry[], number]> {
  const qb = em.getRepository(Inquiry).createQueryBuilder('i');
  restrictCaseList(qb, 'i', auth);
  if (q.customerId) qb.andWhere('i.customer_id = :customerId', { customerId: q.customerId });
  if (q.state) qb.andWhere('i.state = :state', { state: q.state });
  if (q.topic) qb.andWhere('i.topic = :topic', { topic: q.topic });
  if (q.region) qb.andWhere('i.region LIKE :region', { region: regionUnder(q.region) });
  return qb.orderBy('i.created_at', 'DESC').addOrderBy('i.id').take(q.limit).skip(q.offset).getManyAndCount();
}
