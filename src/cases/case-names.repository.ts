import type { Db } from '../common/sql';
import { rows, sql } from '../common/sql';
import type { CaseNames } from './case-names';
import type { Priority } from './priority';

/**
 * The columns that name a case, for a statement that has its `case_index` row
 * as `ci` and adds CASE_NAME_JOINS: title, priority, customer, region,
 * assignee, account manager (and the account manager's id).
 */
export const CASE_NAME_COLUMNS = sql`ci.title, ci.priority, cn_c.name AS customer_name, coalesce(cn_r.full_name, ci.region) AS region_name,
  cn_a.display_name AS assignee_name, cn_c.account_manager_id, cn_m.display_name AS account_manager_name`;
export const CASE_NAME_JOINS = sql`LEFT JOIN customers cn_c ON cn_c.id = ci.customer_id
  LEFT JOIN regions cn_r ON cn_r.code = ci.region
  LEFT JOIN staff cn_a ON cn_a.id = ci.assignee_id
  LEFT JOIN staff cn_m ON cn_m.id = cn_c.account_manager_id`;

/** A row carrying CASE_NAME_COLUMNS. */
export interface CaseNameRow {
  title: string;
  priority: Priority;
  customer_name: string | null;
  region_name: string;
  assignee_name: string | null;
  account_manager_id: string | null;
  account_manager_name: string | null;
}

export const caseNamesOfRow = (r: CaseNameRow): CaseNames & { priority: Priority } => ({
  title: r.title,
  priority: r.priority,
  customerName: r.customer_name,
  regionName: r.region_name,
  assigneeName: r.assignee_name,
  accountManagerName: r.account_manager_name,
});

/** The names of these cases as their index rows stand now (in the caller's transaction), in one query. */
export async function caseNamesOf(db: Db, refs: { kind: string; id: string }[]): Promise<Map<string, CaseNames & { priority: Priority }>> {
  if (!refs.length) return new Map();
  const found = await rows<CaseNameRow & { id: string }>(
    db,
    sql`SELECT ci.id, ${CASE_NAME_COLUMNS}
          FROM unnest(${refs.map((r) => r.kind)}::text[], ${refs.map((r) => r.id)}::uuid[]) AS k(kind, id)
          JOIN case_index ci ON ci.kind = k.kind AND ci.id = k.id
          ${CASE_NAME_JOINS}`,
  );
  return new Map(found.map((r) => [r.id, caseNamesOfRow(r)]));
}
