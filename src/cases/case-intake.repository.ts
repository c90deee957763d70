import type { AuthContext } from '../common/auth/auth-context';
import { join, sql } from '../common/sql';
import type { WriteBatch } from '../common/write-batch';
import type { CaseIndexEntry } from './case-index.entity';

/** A case being opened: its `case_index` row and the data of its `created` timeline line. */
export type OpenedCaseRow = Omit<CaseIndexEntry, 'updatedAt'> & { created: Record<string, unknown> };

/**
 * The index rows of new cases and one `created` timeline line each, by one
 * actor, as two parts of the intake's batch (one case, or an order and all its
 * work orders: the same two parts, one VALUES row per case). Plain VALUES, no
 * ON CONFLICT: measured cheaper on the server than unnest() or an upsert for
 * the one-case intake (docs/PERFORMANCE.md, "Code health (issue 10)").
 */
export function insertOpenedCasesIn(
  batch: WriteBatch,
  // null staffId: opened by the system (a call-back after an automatic close)
  actor: Pick<AuthContext, 'username'> & { staffId: string | null },
  cases: OpenedCaseRow[],
): void {
  batch.add(
    sql`INSERT INTO case_index (kind, id, case_no, customer_id, region, title, state, priority, green_channel, is_open, assignee_id, opened_at, closed_at)
        VALUES ${join(
          cases.map(
            (
              c,
            ) => sql`(${c.kind}, ${c.id}, ${c.caseNo}, ${c.customerId}, ${c.region}, ${c.title}, ${c.state}, ${c.priority}, ${c.greenChannel},
                         ${c.isOpen}, ${c.assigneeId}, ${c.openedAt}, ${c.closedAt})`,
          ),
        )}`,
  );
  batch.add(
    sql`INSERT INTO case_timeline (case_kind, case_id, type, actor_id, actor_name, data)
        VALUES ${join(cases.map((c) => sql`(${c.kind}, ${c.id}, 'created', ${actor.staffId}, ${actor.username}, ${JSON.stringify(c.created)}::jsonb)`))}`,
  );
}
