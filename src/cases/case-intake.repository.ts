import type { AuthContext } from '../common/auth/auth-context';
import { sql } from '../common/sql';
import type { WriteBatch } from '../common/write-batch';
import type { CaseIndexEntry } from './case-index.entity';

/** A case being opened: its `case_index` row and the data of its `created` timeline line. */
export type OpenedCaseRow = Omit<CaseIndexEntry, 'updatedAt'> & { created: Record<string, unknown> };

/**
 * The index rows of new cases and one `created` timeline line each, by one
 * actor, as two parts of the intake's batch (one case, or an order and all its
 * work orders: the same two parts, whatever their number).
 */
export function insertOpenedCasesIn(batch: WriteBatch, actor: Pick<AuthContext, 'staffId' | 'username'>, cases: OpenedCaseRow[]): void {
  const col = <K extends keyof OpenedCaseRow>(k: K) => cases.map((c) => c[k]);
  batch.add(
    sql`INSERT INTO case_index (kind, id, case_no, customer_id, region, title, state, priority, green_channel, is_open, assignee_id, opened_at, closed_at)
        SELECT * FROM unnest(${col('kind')}::text[], ${col('id')}::uuid[], ${col('caseNo')}::text[], ${col('customerId')}::uuid[],
                             ${col('region')}::text[], ${col('title')}::text[], ${col('state')}::text[], ${col('priority')}::smallint[],
                             ${col('greenChannel')}::boolean[], ${col('isOpen')}::boolean[], ${col('assigneeId')}::uuid[],
                             ${col('openedAt')}::timestamptz[], ${col('closedAt')}::timestamptz[])`,
  );
  batch.add(
    sql`INSERT INTO case_timeline (case_kind, case_id, type, actor_id, actor_name, data)
        SELECT k, id, 'created', ${actor.staffId}::uuid, ${actor.username}, d
          FROM unnest(${col('kind')}::text[], ${col('id')}::uuid[], ${cases.map((c) => JSON.stringify(c.created))}::jsonb[]) AS x(k, id, d)`,
  );
}
