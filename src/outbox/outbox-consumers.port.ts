import type { EntityManager } from 'typeorm';
import type { EventType } from './event-types.port';

/*
 * The relay's consumers inside the system (docs/ARCHITECTURE.md, "The life
 * of a case", step 11, and "Notification pipeline"). Webhook deliveries are
 * one way an event leaves; a consumer is another (the notification pipeline
 * turns SLA alerts into its delivery log).
 * Each consumer runs in the relay's transaction, the one that marks the events
 * relayed: its rows commit with that mark, so it sees each event exactly once.
 */

/** An event as a consumer sees it. */
export interface RelayedEvent {
  id: string;
  type: EventType;
  data: Record<string, unknown>;
}

export interface OutboxConsumer {
  /** For logs. */
  readonly name: string;
  /** The event types it wants; it is given only those. */
  readonly types: readonly EventType[];
  /**
   * Writes what it makes of `events` in the relay's transaction (`em`) and
   * returns the work to run after commit (queue adds); that work may be lost
   * with the process, so the consumer's own sweep must rebuild it.
   */
  consumeIn(em: EntityManager, events: RelayedEvent[]): Promise<(() => Promise<unknown>)[]>;
}
