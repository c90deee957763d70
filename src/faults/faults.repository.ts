import { sql } from '../common/sql';
import type { BatchPart, WriteBatch } from '../common/write-batch';
import { possibleDuplicatesOf } from './fault-duplicates.repository';
import type { DuplicateRef, Fault } from './fault.entity';

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
