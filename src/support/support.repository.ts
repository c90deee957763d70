import { sql } from '../common/sql';
import type { WriteBatch } from '../common/write-batch';
import type { SupportRequest } from './support-request.entity';

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
