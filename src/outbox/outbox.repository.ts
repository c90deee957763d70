import type { Db } from '../common/sql';
import { affected, execute, rows, sql } from '../common/sql';
import type { BatchPart, WriteBatch } from '../common/write-batch';
import type { EventType } from './event-types.port';

export interface NewEvent {
  type: string;
  data: Record<string, unknown>;
}

export interface UnrelayedEvent {
  id: string;
  type: string;
}

/** One event in a batch of inserts; its id once the batch has run. */
export function insertEventIn(batch: WriteBatch, event: NewEvent): BatchPart<string> {
  const inserted = batch.add(
    sql`INSERT INTO outbox_events (type, data) VALUES (${event.type}, ${JSON.stringify(event.data)}::jsonb) RETURNING id`,
  );
  return inserted.map(([row]) => row.id as string);
}

/** Many events in one statement; their ids in order. */
export async function insertEvents(db: Db, events: NewEvent[]): Promise<string[]> {
  const inserted = await rows<{ id: string }>(
    db,
    sql`INSERT INTO outbox_events (type, data)
        SELECT * FROM unnest(${events.map((e) => e.type)}::text[], ${events.map((e) => JSON.stringify(e.data))}::jsonb[]) RETURNING id`,
  );
  return inserted.map((r) => r.id);
}

/**
 * Up to `limit` unrelayed events in order, locked for the caller's
 * transaction; SKIP LOCKED, so relays in other processes take other events.
 */
export function lockUnrelayedEvents(db: Db, limit: number): Promise<UnrelayedEvent[]> {
  return rows<UnrelayedEvent>(
    db,
    sql`SELECT id, type FROM outbox_events WHERE relayed_at IS NULL ORDER BY seq LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
  );
}

/** The events with these ids, with their data, in the order they were written. */
export function eventsWithData(db: Db, ids: string[]): Promise<{ id: string; type: EventType; data: Record<string, unknown> }[]> {
  if (!ids.length) return Promise.resolve([]);
  return rows(db, sql`SELECT id, type, data FROM outbox_events WHERE id = ANY (${ids}::uuid[]) ORDER BY seq`);
}

export async function markEventsRelayed(db: Db, ids: string[]): Promise<void> {
  await execute(db, sql`UPDATE outbox_events SET relayed_at = now() WHERE id = ANY (${ids}::uuid[])`);
}

/**
 * Deletes up to `limit` events relayed more than `days` ago that no webhook
 * delivery refers to any more (a delivery's history keeps its event); how many.
 */
export function purgeRelayedEvents(db: Db, days: number, limit: number): Promise<number> {
  return affected(
    db,
    sql`DELETE FROM outbox_events WHERE id IN (
          SELECT e.id FROM outbox_events e
           WHERE e.relayed_at < now() - make_interval(days => ${days})
             AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)
           LIMIT ${limit})`,
  );
}
