import { TICKET_OPEN_STATES } from '../cases/ticket-lifecycle';
import type { Sql } from '../common/sql';
import { sql } from '../common/sql';
import type { Fault } from './fault.entity';

/** How far back a fault on the same instance or site counts, and how many are listed. */
export const DUPLICATE_WINDOW_HOURS = 24;
export const DUPLICATES_MAX = 10;

/**
 * The value of a new fault's possible_duplicate_of, as an expression of its
 * own INSERT (issue 11): the open faults (not complaints) on the same service
 * instance, or on the same site when no instance is given, opened in the 24
 * hours before it, oldest first, at most DUPLICATES_MAX, as [{id, caseNo}].
 * No extra round trip: it is evaluated inside the intake's one statement,
 * a backward range scan of faults_instance_recent_idx or
 * faults_site_recent_idx (migration lookup-and-duplicates) that stops after
 * DUPLICATES_MAX open rows. Faults opened at the same moment share the
 * statement's snapshot and do not see each other: the flag is a hint for the
 * agent, never a refusal.
 */
export function possibleDuplicatesOf(f: Pick<Fault, 'category' | 'serviceInstanceId' | 'siteId' | 'createdAt'>): Sql {
  if (f.category !== 'fault' || (!f.serviceInstanceId && !f.siteId)) return sql`'[]'::jsonb`;
  const same = f.serviceInstanceId ? sql`d.service_instance_id = ${f.serviceInstanceId}::uuid` : sql`d.site_id = ${f.siteId}::uuid`;
  return sql`(SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'caseNo', x.case_no) ORDER BY x.created_at, x.id), '[]'::jsonb)
                FROM (SELECT d.id, d.case_no, d.created_at FROM faults d
                       WHERE ${same} AND d.category = 'fault' AND d.state = ANY(${[...TICKET_OPEN_STATES]}::text[])
                         AND d.created_at > ${f.createdAt}::timestamptz - make_interval(hours => ${DUPLICATE_WINDOW_HOURS})
                       ORDER BY d.created_at DESC LIMIT ${DUPLICATES_MAX}) x)`;
}
