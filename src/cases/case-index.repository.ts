import type { AuthContext } from '../common/auth/auth-context';
import type { Db } from '../common/sql';
import { execute, firstRow, rows, sql } from '../common/sql';
import type { WriteBatch } from '../common/write-batch';
import type { CaseKind } from './case-kind';

/** The id of the case of one of these kinds with this number (case_index.case_no is unique), or null. */
export async function caseIdByNumber(db: Db, caseNo: string, kinds: readonly CaseKind[]): Promise<string | null> {
  const row = await firstRow<{ id: string }>(
    db,
    sql`SELECT id FROM case_index WHERE case_no = ${caseNo} AND kind = ANY(${[...kinds]}::text[])`,
  );
  return row?.id ?? null;
}

type Actor = Pick<AuthContext, 'staffId' | 'username'> | null;

/** The index fields a state change may set; a field left out keeps its value (null is a value for closedAt and assigneeId). */
export interface IndexChanges {
  state?: string;
  isOpen?: boolean;
  closedAt?: Date | null;
  assigneeId?: string | null;
}

/** One case's index row and one timeline line in one statement (a hot path: every dispatched work order). */
export async function updateIndexAndRecordIn(
  db: Db,
  kind: CaseKind,
  id: string,
  changes: IndexChanges,
  type: string,
  actor: Actor,
  data: Record<string, unknown>,
): Promise<void> {
  await execute(
    db,
    sql`WITH i AS (
          UPDATE case_index SET state = coalesce(${changes.state ?? null}::text, state),
                 is_open = coalesce(${changes.isOpen ?? null}::boolean, is_open),
                 closed_at = CASE WHEN ${'closedAt' in changes}::boolean THEN ${changes.closedAt ?? null}::timestamptz ELSE closed_at END,
                 assignee_id = CASE WHEN ${'assigneeId' in changes}::boolean THEN ${changes.assigneeId ?? null}::uuid ELSE assignee_id END,
                 updated_at = now()
           WHERE kind = ${kind} AND id = ${id}
        )
        INSERT INTO case_timeline (case_kind, case_id, type, actor_id, actor_name, data)
        VALUES (${kind}, ${id}, ${type}, ${actor?.staffId ?? null}::uuid, ${actor?.username ?? 'system'}, ${JSON.stringify(data)}::jsonb)`,
  );
}

/** Many cases of one kind change state, by one actor: their index rows and `state_changed` lines in one statement. */
export async function recordStateChangesIn(
  db: Db,
  kind: CaseKind,
  actor: Actor,
  changes: { id: string; state: string; data: Record<string, unknown> }[],
): Promise<void> {
  await execute(
    db,
    sql`WITH x AS (
          SELECT * FROM unnest(${changes.map((c) => c.id)}::uuid[], ${changes.map((c) => c.state)}::text[],
                               ${changes.map((c) => JSON.stringify(c.data))}::jsonb[]) AS x(id, state, data)
        ),
        i AS (UPDATE case_index c SET state = x.state, updated_at = now() FROM x WHERE c.kind = ${kind} AND c.id = x.id)
        INSERT INTO case_timeline (case_kind, case_id, type, actor_id, actor_name, data)
        SELECT ${kind}, x.id, 'state_changed', ${actor?.staffId ?? null}::uuid, ${actor?.username ?? 'system'}, x.data FROM x`,
  );
}

/** Timeline lines written by the system (SLA events), many in one statement. */
export async function recordSystemManyIn(
  db: Db,
  entries: { kind: string; caseId: string; type: string; data: Record<string, unknown> }[],
): Promise<void> {
  await execute(
    db,
    sql`INSERT INTO case_timeline (case_kind, case_id, type, actor_name, data)
        SELECT k, id, t, 'system', d
          FROM unnest(${entries.map((e) => e.kind)}::text[], ${entries.map((e) => e.caseId)}::uuid[],
                      ${entries.map((e) => e.type)}::text[], ${entries.map((e) => JSON.stringify(e.data))}::jsonb[]) AS x(k, id, t, d)`,
  );
}

/** The case number of a case, or null (e.g. what an inquiry was converted into). */
export async function caseNumberOf(db: Db, kind: CaseKind, id: string): Promise<string | null> {
  const row = await firstRow<{ caseNo: string }>(db, sql`SELECT case_no AS "caseNo" FROM case_index WHERE kind = ${kind} AND id = ${id}`);
  return row?.caseNo ?? null;
}

/** The case numbers of many cases of one kind, in one statement: id → number (an id without an index row is absent). */
export async function caseNumbersOf(db: Db, kind: CaseKind, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const found = await rows<{ id: string; caseNo: string }>(
    db,
    sql`SELECT id, case_no AS "caseNo" FROM case_index WHERE kind = ${kind} AND id = ANY (${ids}::uuid[])`,
  );
  return new Map(found.map((r) => [r.id, r.caseNo]));
}

/** `count` values of a case-number sequence (the name comes from CASE_NO_PREFIX, never from input). */
export async function nextSequenceValues(db: Db, sequence: string, count: number): Promise<number[]> {
  const values = await rows<{ n: number }>(db, sql`SELECT nextval(${sequence}::regclass)::int AS n FROM generate_series(1, ${count})`);
  return values.map((v) => v.n);
}

/** One timeline line as part of a batch of inserts. */
export function addTimelineLineIn(
  batch: WriteBatch,
  kind: string,
  caseId: string,
  type: string,
  actor: Actor,
  data: Record<string, unknown>,
): void {
  batch.add(
    sql`INSERT INTO case_timeline (case_kind, case_id, type, actor_id, actor_name, data)
        VALUES (${kind}, ${caseId}, ${type}, ${actor?.staffId ?? null}, ${actor?.username ?? 'system'}, ${JSON.stringify(data)}::jsonb)`,
  );
}
