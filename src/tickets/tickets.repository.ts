import type { Db } from '../common/sql';
import { raw, rows, sql } from '../common/sql';
import { TICKET_OPEN_STATES } from '../cases/ticket-lifecycle';

/**
 * The on-duty engineer covering one of `regions` with the least open tickets
 * of any kind (counted from the case index, so faults and support requests
 * share one measure of load), or null.
 */
export async function leastBusyEngineerIn(db: Db, regions: string[]): Promise<string | null> {
  const [engineer] = await rows<{ id: string }>(
    db,
    sql`SELECT s.id FROM staff s
         WHERE s.active AND s.on_duty AND 'engineer' = ANY(s.roles) AND s.regions && ${regions}::text[]
         ORDER BY (SELECT count(*) FROM case_index ci WHERE ci.assignee_id = s.id AND ci.is_open), s.id
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
export function unassignedOpen(db: Db, table: string, limit: number): Promise<{ id: string; priority: number; greenChannel: boolean }[]> {
  return rows(
    db,
    sql`SELECT id, priority, green_channel AS "greenChannel" FROM ${raw(table)}
         WHERE assignee_id IS NULL AND state = ANY(${[...TICKET_OPEN_STATES]}::text[]) AND created_at < now() - interval '30 seconds'
         ORDER BY priority, created_at LIMIT ${limit}`,
  );
}
