import type { Db, Sql } from '../common/sql';
import { empty, firstRow, join, raw, rows, sql } from '../common/sql';
import type { DutyRole } from './duty-roles.port';

/** A shift as the module reads it. */
export interface ShiftRow {
  id: string;
  region: string;
  dutyRole: DutyRole;
  staffId: string;
  startsAt: Date;
  endsAt: Date;
  createdBy: string | null;
  createdAt: Date;
}

const SHIFT_COLUMNS = raw(
  `id, region, duty_role AS "dutyRole", staff_id AS "staffId", starts_at AS "startsAt", ends_at AS "endsAt",
   created_by AS "createdBy", created_at AS "createdAt"`,
);

export interface NewShift {
  region: string;
  dutyRole: DutyRole;
  staffId: string;
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
}

export async function insertShift(db: Db, s: NewShift): Promise<ShiftRow> {
  return (await firstRow<ShiftRow>(
    db,
    sql`INSERT INTO roster_shifts (region, duty_role, staff_id, starts_at, ends_at, created_by)
        VALUES (${s.region}, ${s.dutyRole}, ${s.staffId}, ${s.startsAt}, ${s.endsAt}, ${s.createdBy})
        RETURNING ${SHIFT_COLUMNS}`,
  ))!;
}

export function shiftById(db: Db, id: string): Promise<ShiftRow | undefined> {
  return firstRow<ShiftRow>(db, sql`SELECT ${SHIFT_COLUMNS} FROM roster_shifts WHERE id = ${id}`);
}

/** Deletes the shift; what it was, or undefined when there was none (someone deleted it first). */
export function deleteShift(db: Db, id: string): Promise<ShiftRow | undefined> {
  return firstRow<ShiftRow>(db, sql`DELETE FROM roster_shifts WHERE id = ${id} RETURNING ${SHIFT_COLUMNS}`);
}

export interface ShiftFilter {
  /** What the caller may see: regions matching these LIKE patterns (null: every region) or named in `above`. */
  visible: { patterns: string[] | null; above: string[] };
  /** A LIKE pattern: the region and everything under it. */
  regionPattern?: string;
  dutyRole?: DutyRole;
  staffId?: string;
  /** Shifts that end after `from` and start before `to`: those overlapping the window. */
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** One page by start time, with the total. */
export async function shiftPage(db: Db, f: ShiftFilter): Promise<{ items: ShiftRow[]; total: number }> {
  const conditions: Sql[] = [];
  if (f.visible.patterns)
    conditions.push(sql`(region LIKE ANY(${f.visible.patterns}::text[]) OR region = ANY(${f.visible.above}::text[]))`);
  if (f.regionPattern) conditions.push(sql`region LIKE ${f.regionPattern}`);
  if (f.dutyRole) conditions.push(sql`duty_role = ${f.dutyRole}`);
  if (f.staffId) conditions.push(sql`staff_id = ${f.staffId}`);
  if (f.from) conditions.push(sql`ends_at > ${f.from}`);
  if (f.to) conditions.push(sql`starts_at < ${f.to}`);
  const where = conditions.length ? sql`WHERE ${join(conditions, ' AND ')}` : empty;
  const found = await rows<ShiftRow & { total: number }>(
    db,
    sql`SELECT ${SHIFT_COLUMNS}, count(*) OVER ()::int AS total FROM roster_shifts ${where}
        ORDER BY starts_at, region, id LIMIT ${f.limit} OFFSET ${f.offset}`,
  );
  const total =
    found[0]?.total ?? (f.offset ? (await firstRow<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM roster_shifts ${where}`))!.n : 0);
  return { items: found.map(({ total: _total, ...shift }) => shift), total };
}

/**
 * The shifts of a duty covering `at` in the regions of `chain` (most specific
 * first), each with its region's place in the chain (1 = the region itself):
 * a statement others select from, so dispatch chooses an engineer in one
 * statement (TicketWorkflow.leastBusyEngineer). Columns: staff_id, rank.
 */
export const coveringShiftsStatement = (duty: DutyRole, chain: string[], at: Date): Sql =>
  sql`SELECT staff_id, array_position(${chain}::text[], region) AS rank FROM roster_shifts
       WHERE duty_role = ${duty} AND region = ANY(${chain}::text[]) AND starts_at <= ${at} AND ends_at > ${at}`;

/** The same shifts, whole, nearest region first, then the one ending last. */
export function coveringShifts(db: Db, duty: DutyRole, chain: string[], at: Date): Promise<ShiftRow[]> {
  return rows<ShiftRow>(
    db,
    sql`SELECT ${SHIFT_COLUMNS} FROM roster_shifts
         WHERE duty_role = ${duty} AND region = ANY(${chain}::text[]) AND starts_at <= ${at} AND ends_at > ${at}
         ORDER BY array_position(${chain}::text[], region), ends_at DESC, id`,
  );
}
