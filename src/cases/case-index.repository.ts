import type { Db } from '../common/sql';
import { firstRow, sql } from '../common/sql';
import type { CaseKind } from './case-kind';

/** The id of the case of one of these kinds with this number (case_index.case_no is unique), or null. */
export async function caseIdByNumber(db: Db, caseNo: string, kinds: readonly CaseKind[]): Promise<string | null> {
  const row = await firstRow<{ id: string }>(
    db,
    sql`SELECT id FROM case_index WHERE case_no = ${caseNo} AND kind = ANY(${[...kinds]}::text[])`,
  );
  return row?.id ?? null;
}
