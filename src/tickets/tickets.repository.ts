import type { Db, Sql } from '../common/sql';
import { preparedRows, raw, rows, sql } from '../common/sql';
import { TICKET_OPEN_STATES } from '../cases/ticket-lifecycle';

/**
 * The engineer with the least open tickets of any kind (counted from the case
 * index, so faults and support requests share one measure of load) among:
 * - the engineers on a shift covering now, of the nearest region of the
 *   ticket's chain with one available (`rostered`: RostersService's statement
 *   of covering shifts, columns staff_id and rank, 1 for the region itself);
 *   available = active, still an engineer, on-duty flag not off;
 * - when the roster names nobody available along the chain, as before the
 *   roster: the on-duty engineers whose scope covers one of `regions`.
 * Null when there is none. One statement.
 */
export async function leastBusyEngineerIn(db: Db, regions: string[], rostered: Sql): Promise<string | null> {
  // Every dispatch asks this first (is anybody on duty?): one text, prepared (preparedRows).
  const [engineer] = await preparedRows<{ id: string }>(
    db,
    sql`WITH shifts AS (${rostered}),
             available AS (
               SELECT s.id, min(sh.rank) AS rank FROM shifts sh JOIN staff s ON s.id = sh.staff_id
                WHERE s.active AND s.on_duty AND 'engineer' = ANY(s.roles)
                GROUP BY s.id),
             pool AS (
               SELECT id FROM available WHERE rank = (SELECT min(rank) FROM available)
               UNION ALL
               SELECT s.id FROM staff s
                WHERE NOT EXISTS (SELECT 1 FROM available)
                  AND s.active AND s.on_duty AND 'engineer' = ANY(s.roles) AND s.regions && ${regions}::text[])
        SELECT p.id FROM pool p
         ORDER BY (SELECT count(*) FROM case_index ci WHERE ci.assignee_id = p.id AND ci.is_open), p.id
         LIMIT 1`,
  );
  return engineer?.id ?? null;
}

/** Tickets of one table left resolved longer than `olderThanHours`, oldest first (at most 500 per sweep). */
export async function resolvedBefore(db: Db, table: string, olderThanHours: number): Promise<string[]> {
  const due = await rows<{ id: string }>(
    db,
    sql`SELECT id FROM ${raw(table)}
         WHERE state = 'resolved' AND resolved_at < now() - make_interval(secs => ${olderThanHours * 3600})
         ORDER BY resolved_at LIMIT 500`,
  );
  return due.map((d) => d.id);
}

/** Open tickets of one table nobody has taken, most urgent first, older than 30 s. */
export function unassignedOpen(
  db: Db,
  table: string,
  limit: number,
): Promise<{ id: string; priority: number; greenChannel: boolean; region: string }[]> {
  return rows(
    db,
    sql`SELECT id, priority, green_channel AS "greenChannel", region FROM ${raw(table)}
         WHERE assignee_id IS NULL AND state = ANY(${[...TICKET_OPEN_STATES]}::text[]) AND created_at < now() - interval '30 seconds'
         ORDER BY priority, created_at LIMIT ${limit}`,
  );
}

/** The ids of one region's open tickets nobody has taken, in the dispatch queue's order: priority, green channel first, oldest first. */
export async function unassignedOpenIn(db: Db, table: string, region: string, limit: number): Promise<string[]> {
  const found = await rows<{ id: string }>(
    db,
    sql`SELECT id FROM ${raw(table)}
         WHERE region = ${region} AND assignee_id IS NULL AND state = ANY(${[...TICKET_OPEN_STATES]}::text[])
         ORDER BY priority, green_channel DESC, created_at LIMIT ${limit}`,
  );
  return found.map((f) => f.id);
}
