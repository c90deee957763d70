import { sql } from '../common/sql';
import type { WriteBatch } from '../common/write-batch';
import type { Inquiry } from './inquiry.entity';

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
